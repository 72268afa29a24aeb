import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, type Browser } from '../support/browser';
import { registeredUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = path.resolve(__dirname, '../../test-results');

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('GET /docs (Swagger UI)', () => {
  test('serves the page and its assets from this server, no CDN', async () => {
    const page = await (await app.raw('/docs')).text();
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    // Not empty (the checks below would then pass on nothing): at least Swagger UI's script and stylesheet.
    expect(sources).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']));
    expect(sources.filter((source) => !source.startsWith('/docs/'))).toEqual([]);
    const assets = await Promise.all(sources.map(async (source) => [source, (await app.raw(source)).status] as const));
    expect(assets.filter(([, status]) => status !== 200)).toEqual([]);
  });

  test('Authorize logs a real user in with the password flow; "Try it out" on GET /users/me answers 200 with their name', async () => {
    const user = await registeredUser(app);
    const page = await browser.context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(app.url)) outside.push(request.url());
    });
    // The page runs under its Content-Security-Policy: whatever the policy blocks is reported here.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(`${app.url}/docs`);

    await page.locator('.auth-wrapper .btn.authorize').click();
    // The scheme has two flows (password, authorization code): each has its own Authorize button.
    const passwordFlow = page.locator('.auth-container', { has: page.locator('#oauth_username') });
    await passwordFlow.locator('#oauth_username').fill(user.username);
    await passwordFlow.locator('#oauth_password').fill(user.password);
    await passwordFlow.locator('.auth-btn-wrapper .btn.modal-btn.authorize').click();
    // Logged in, the scheme is authorized: every flow of it shows Logout in place of its form.
    const loggedIn = page.locator('.auth-btn-wrapper', { has: page.locator('button', { hasText: 'Logout' }) }).first();
    await loggedIn.waitFor();
    await loggedIn.locator('.btn-done').click();

    const operation = page.locator('#operations-users-getCurrentUser');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const live = operation.locator('.live-responses-table .response');
    await live.locator('.response-col_status', { hasText: '200' }).waitFor();
    const body = await live.locator('.response-col_description pre').first().innerText();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'swagger-ui-users-me.png'), fullPage: true });
    expect(JSON.parse(body)).toMatchObject({ username: user.username });
    expect(outside).toEqual([]);
    expect(blocked).toEqual([]);
  }, 60_000);
});
