import { launchBrowser, type Browser } from '../support/browser';
import { bearer, registeredUser } from '../support/flows';
import { freePort } from '../support/free-port';
import { claimsOf } from '../support/mfa';
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
    // A CTAP2 platform authenticator with resident keys and user verification (a PIN or a fingerprint that always matches).
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
