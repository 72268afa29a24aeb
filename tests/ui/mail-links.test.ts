import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { freePort } from '../support/free-port';
import { bearer, login, registeredUser, type TestUser } from '../support/flows';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = path.resolve(__dirname, '../../test-results');

let smtp: TestSmtp;
let app: TestApp;
let browser: Browser;
/** Where the mailed links lead: PUBLIC_URL, as production sets it; localhost, as a browser reaches it. */
let origin: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  const port = await freePort();
  origin = `http://localhost:${port}`;
  // No PASSWORD_RESET_URL or EMAIL_VERIFICATION_URL: the links default to our own pages.
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', PORT: String(port), PUBLIC_URL: origin });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

/** What a page did besides its job: requests to any other origin, console errors (CSP reports among them), uncaught errors. */
interface Watched {
  readonly page: Page;
  readonly outside: string[];
  readonly errors: string[];
  /** Every request the page sent to an API path (method and path). */
  readonly apiCalls: string[];
}

async function open(url: string): Promise<Watched> {
  const page = await browser.context.newPage();
  const watched: Watched = { page, outside: [], errors: [], apiCalls: [] };
  page.on('request', (request) => {
    const target = new URL(request.url());
    if (target.origin !== origin) watched.outside.push(request.url());
    else if (!target.pathname.startsWith('/ui/')) watched.apiCalls.push(`${request.method()} ${target.pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
      watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  await page.goto(url);
  return watched;
}

/** The link on a line of its own in the text part. */
function linkIn(mail: ReceivedMail): string {
  const link = /^(https?:\/\/\S+)$/m.exec(mail.text)?.[1];
  if (!link) throw new Error(`no link in the mail "${mail.subject}"`);
  return link;
}

const message = (page: Page) => page.locator('#message');
const screenshot = async (page: Page, name: string) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
};

async function resetLink(user: TestUser): Promise<string> {
  const before = smtp.received.filter((mail) => mail.to === user.email && /Reset your/.test(mail.subject)).length;
  expect((await app.client.POST('/password-reset', { body: { email: user.email } })).response.status).toBe(202);
  for (;;) {
    const mails = smtp.received.filter((mail) => mail.to === user.email && /Reset your/.test(mail.subject));
    if (mails.length > before) return linkIn(mails[mails.length - 1] as ReceivedMail);
    await smtp.mailTo(user.email, /Reset your/);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('/ui/reset-password, from the link of a real reset mail', () => {
  test('the new password is set by keyboard; it logs in over /token, the old one is refused, the old session has ended', async () => {
    const user = await registeredUser(app);
    const link = await resetLink(user);
    expect(link).toMatch(new RegExp(`^${origin}/ui/reset-password\\?token=[A-Za-z0-9_-]{43}$`));

    const { page, outside, errors, apiCalls } = await open(link);
    // The token leaves the address bar at once, and opening the link posted nothing.
    await page.waitForFunction(() => window.location.search === '');
    expect(page.url()).toBe(`${origin}/ui/reset-password`);
    await page.locator('#reset-form button:enabled').waitFor();
    expect(apiCalls).toEqual([]);

    // The script put the focus in the first field: type, Tab, type, Enter.
    const newPassword = 'a brand new passphrase';
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Tab');
    await page.keyboard.type(newPassword);
    await page.keyboard.press('Enter');
    await message(page).filter({ hasText: 'Your password was changed' }).waitFor();
    await screenshot(page, 'reset-password-done.png');

    expect(apiCalls).toEqual(['POST /password-reset/confirm']);
    expect((await login(app, user.username, newPassword)).status).toBe(200);
    const old = await login(app, user.username, user.password);
    expect([old.status, ((await old.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(401);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  test('two different passwords are caught on the page; a password the API refuses shows its rules; the password is unchanged meanwhile', async () => {
    const user = await registeredUser(app);
    const { page, outside, errors, apiCalls } = await open(await resetLink(user));
    await page.locator('#reset-form button:enabled').waitFor();

    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Repeat the new password').fill('a brand new passphrasE');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await message(page).filter({ hasText: 'The two passwords differ' }).waitFor();
    expect(apiCalls).toEqual([]);

    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the new password').fill('short');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    // The server's problem details, the field named by its label.
    await message(page).filter({ hasText: 'New password: must NOT have fewer than 8 characters' }).waitFor();
    expect(await message(page).locator('strong').innerText()).toBe('Request validation failed');
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'reset-password-refused.png');
    expect((await login(app, user.username, user.password)).status).toBe(200);

    // The form stays usable: the link is still good.
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await message(page).filter({ hasText: 'Your password was changed' }).waitFor();
    expect((await login(app, user.username, 'a brand new passphrase')).status).toBe(200);
    expect(apiCalls).toEqual(['POST /password-reset/confirm', 'POST /password-reset/confirm']);
    expect(outside).toEqual([]);
    // The browser reports the refused request itself; nothing else went wrong.
    expect(errors.filter((error) => !/the server responded with a status of 400/.test(error))).toEqual([]);
  }, 60_000);

  test('a spent link says so and offers no form; a link without its token says it is incomplete', async () => {
    const user = await registeredUser(app);
    const link = await resetLink(user);
    expect(
      (
        await app.client.POST('/password-reset/confirm', {
          body: { token: new URL(link).searchParams.get('token') ?? '', new_password: 'spent by someone else' },
        })
      ).response.status,
    ).toBe(204);

    const spent = await open(link);
    await spent.page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await spent.page.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await spent.page.getByRole('button', { name: 'Set the new password' }).click();
    await message(spent.page).filter({ hasText: 'This link is invalid, expired or already used' }).waitFor();
    expect(await spent.page.locator('#reset-form').isHidden()).toBe(true);
    expect(spent.outside).toEqual([]);

    const bare = await open(`${origin}/ui/reset-password`);
    await message(bare.page).filter({ hasText: 'This link is incomplete' }).waitFor();
    expect(await bare.page.locator('#reset-form').isHidden()).toBe(true);
    expect([bare.apiCalls, bare.outside, bare.errors]).toEqual([[], [], []]);
  }, 60_000);
});

/** POST JSON through node:http, which can send a Host header fetch refuses to set. */
function postWithHost(pathname: string, body: unknown, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}${pathname}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject).end(JSON.stringify(body));
  });
}

test('a forged Host or X-Forwarded-Host does not move the mailed link: it stays on PUBLIC_URL (reset-link poisoning)', async () => {
  const user = await registeredUser(app);
  const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };
  expect(await postWithHost('/password-reset', { email: user.email }, forged)).toBe(202);
  const link = linkIn(await smtp.mailTo(user.email, /Reset your/));
  expect(link.startsWith(`${origin}/ui/reset-password?token=`)).toBe(true);
  expect(link).not.toContain('evil');
});

describe('/ui/verify-email, from the link of a real verification mail', () => {
  test('opening the link confirms nothing; the button, pressed by keyboard, verifies the address', async () => {
    const username = `pages_${process.pid}`;
    const email = `${username}@example.com`;
    expect(
      (await app.client.POST('/users', { body: { username, email, password: 'a long enough password' } })).response
        .status,
    ).toBe(201);
    const link = linkIn(await smtp.mailTo(email, /Confirm your/));
    expect(link).toMatch(new RegExp(`^${origin}/ui/verify-email\\?token=[A-Za-z0-9_-]{43}$`));
    const token = (await (await login(app, username, 'a long enough password')).json()) as { access_token: string };
    const verified = async () =>
      (await app.client.GET('/users/me', { headers: bearer(token.access_token) })).data?.email_verified;

    const { page, outside, errors, apiCalls } = await open(link);
    await page.waitForFunction(() => window.location.search === '');
    expect(page.url()).toBe(`${origin}/ui/verify-email`);
    await page.waitForLoadState('networkidle');
    // What a mail scanner does (load the page, run its scripts) spends nothing.
    expect(apiCalls).toEqual([]);
    expect(await verified()).toBe(false);
    await page.locator('#verify-form button:enabled').waitFor();

    // The script focused the button.
    await page.keyboard.press('Enter');
    await message(page).filter({ hasText: 'Your email address is confirmed' }).waitFor();
    await screenshot(page, 'verify-email-done.png');
    expect(apiCalls).toEqual(['POST /email-verification/confirm']);
    expect(await verified()).toBe(true);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);

    // The same link again: spent, and the page says so.
    const again = await open(link);
    await again.page.getByRole('button', { name: 'Confirm my address' }).click();
    await message(again.page).filter({ hasText: 'This link is invalid, expired or already used' }).waitFor();
    expect(again.outside).toEqual([]);
  }, 60_000);
});
