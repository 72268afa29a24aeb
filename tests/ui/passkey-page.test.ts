import { launchBrowser, type Browser } from '../support/browser';
import { bearer, registeredAdmin, registeredUser, type TestUser } from '../support/flows';
import { freePort } from '../support/free-port';
import { claimsOf } from '../support/mfa';
import { authorizeParams, exchange, jwtPayload, pkce, REDIRECT, registeredClient } from '../support/oauth';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  // Browsers refuse an IP address as RP ID: the page is opened at http://localhost:<port>, as the README says.
  const port = await freePort();
  origin = `http://localhost:${port}`;
  app = await startTestApp({ PORT: String(port), WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

type Page = Awaited<ReturnType<Browser['context']['newPage']>>;

/** A CTAP2 platform authenticator with resident keys and user verification, and a passkey registered on /ui/passkeys. */
async function registerPasskeyOnPage(page: Page, user: TestUser): Promise<void> {
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(`${origin}/ui/passkeys`);
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  await page.locator('#register-form button').click();
  await page.locator('#message', { hasText: 'Passkey registered' }).waitFor();
}

describe('GET /ui/passkeys in Chromium with a virtual authenticator', () => {
  test('registers a passkey after a password sign-in, then signs in with it: a working access token with amr mfa', async () => {
    const user = await registeredUser(app);
    const page = await browser.context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) outside.push(request.url());
    });
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await registerPasskeyOnPage(page, user);

    // Another account's password sign-in is not needed: the passkey names its account.
    await page.locator('#sign-in-form button').click();
    await page.locator('#message', { hasText: `Signed in as ${user.username}` }).waitFor();
    const accessToken = await page.locator('#access-token').textContent();

    const me = await app.client.GET('/users/me', { headers: bearer(accessToken ?? '') });
    expect(me.data?.username).toBe(user.username);
    expect(claimsOf(accessToken ?? '').amr).toEqual(expect.arrayContaining(['user', 'mfa']));
    expect(outside).toEqual([]);
    expect(blocked).toEqual([]);
  }, 60_000);
});

describe('GET /ui/authorize in Chromium: "Sign in with a passkey"', () => {
  test('an app authorization completes with a passkey alone (no username, no code): the code carries amr mfa', async () => {
    const user = await registeredUser(app);
    const client = await registeredClient(app, await registeredAdmin(app));
    const page = await browser.context.newPage();
    await registerPasskeyOnPage(page, user);
    // The app's callback exists nowhere here: the browser's request for it is answered in the browser.
    await page.route(`${REDIRECT}**`, (route) => route.fulfill({ status: 200, body: 'callback' }));

    const { verifier, challenge } = pkce();
    const params = new URLSearchParams(authorizeParams(client, challenge, { scope: 'openid me' }));
    await page.goto(`${origin}/oauth/authorize?${params.toString()}`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const callback = page.waitForURL((url) => url.href.startsWith(REDIRECT));
    await page.getByRole('button', { name: 'Allow' }).click();
    await callback;

    const code = new URL(page.url()).searchParams.get('code') ?? '';
    const tokens = (await (
      await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
    ).json()) as {
      access_token: string;
      id_token: string;
    };
    expect((await app.client.GET('/users/me', { headers: bearer(tokens.access_token) })).data?.username).toBe(
      user.username,
    );
    expect(jwtPayload(tokens.id_token).amr).toEqual(expect.arrayContaining(['user', 'mfa']));
  }, 60_000);
});
