import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { custom, generators, Issuer, type Client } from 'openid-client';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { movableClock } from '../support/clock';
import { freePort } from '../support/free-port';
import { registeredAdmin, registeredUser, type TestUser } from '../support/flows';
import { codeNow, enrol } from '../support/mfa';
import { registeredClient, type OAuthClientCreated } from '../support/oauth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A real relying party: openid-client (panva) discovers the server, builds the authorization URL
 * with PKCE and a nonce, Debian's Chromium signs in and consents on the hosted pages, and the
 * library exchanges the code, validates the ID token against the JWKS and calls userinfo.
 */
const clock = movableClock();
let app: TestApp;
let browser: Browser;
let admin: TestUser;
let origin: string;
let callback: { server: Server; url: string };

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  app = await startTestApp({ PORT: String(port), PUBLIC_URL: origin }, clock);
  admin = await registeredAdmin(app);
  browser = await launchBrowser();
  // The relying party's redirect URI: a loopback listener (RFC 8252 §7.3), registered without its port.
  const server = createServer((_request, response) => response.end('signed in'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  callback = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb` };
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => callback?.server.close(resolve));
});

async function relyingParty(registered: OAuthClientCreated): Promise<Client> {
  const issuer = await Issuer.discover(origin);
  const client = new issuer.Client({
    client_id: registered.client_id,
    ...(registered.client_secret !== undefined
      ? { client_secret: registered.client_secret, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    redirect_uris: [callback.url],
    response_types: ['code'],
  });
  // The server runs on a movable clock (the TOTP steps); its tokens may be a little ahead of ours.
  client[custom.clock_tolerance] = 120;
  return client;
}

/** Runs the whole flow; `browserPart` drives the pages until the browser reaches the callback. */
async function signInWith(rp: Client, page: Page, browserPart: (page: Page) => Promise<void>) {
  const code_verifier = generators.codeVerifier();
  const nonce = generators.nonce();
  const state = generators.state();
  const url = rp.authorizationUrl({
    scope: 'openid profile email me',
    code_challenge: generators.codeChallenge(code_verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    redirect_uri: callback.url,
  });
  // This flow's answer (the page may still show the previous flow's callback).
  const arrived = page.waitForURL((u) => u.href.startsWith(callback.url) && u.searchParams.get('state') === state);
  await page.goto(url);
  await browserPart(page);
  await arrived;
  const tokenSet = await rp.callback(callback.url, rp.callbackParams(page.url()), { code_verifier, nonce, state });
  return { tokenSet, claims: tokenSet.claims(), userinfo: await rp.userinfo(tokenSet) };
}

async function signInOnPage(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function approve(page: Page, clientName: string): Promise<void> {
  await page.getByText(clientName).waitFor();
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** Console errors and uncaught exceptions (CSP reports among them); not the 401 of the page's first look without a sign-in (how it learns to show the form) nor the 403 mfa_required of the password step. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (/status of (401|403) /.test(message.text())) return;
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test('public client, then a confidential one in the same browser (single sign-on: consent only)', async () => {
  const user = await registeredUser(app);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const publicRp = await relyingParty(
    await registeredClient(app, admin, { name: 'Public RP', redirect_uris: ['http://127.0.0.1/cb'] }),
  );
  const first = await signInWith(publicRp, page, async (p) => {
    await signInOnPage(p, user);
    await approve(p, 'Public RP');
  });
  expect(first.claims).toMatchObject({
    iss: origin,
    aud: publicRp.metadata.client_id,
    preferred_username: user.username,
    email: user.email,
    amr: ['pwd'],
  });
  expect(first.userinfo).toMatchObject({
    sub: first.claims.sub,
    preferred_username: user.username,
    email: user.email,
    email_verified: false,
  });

  const confidentialRp = await relyingParty(
    await registeredClient(app, admin, {
      name: 'Confidential RP',
      type: 'confidential',
      redirect_uris: ['http://127.0.0.1/cb'],
    }),
  );
  const second = await signInWith(confidentialRp, page, async (p) => {
    await approve(p, 'Confidential RP');
    expect(await p.locator('#sign-in-form').isHidden()).toBe(true);
  });
  expect(second.claims).toMatchObject({
    aud: confidentialRp.metadata.client_id,
    sub: first.claims.sub,
    sid: first.claims.sid,
  });
  expect(second.userinfo.sub).toBe(first.claims.sub);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('a user with TOTP signs in with the password and then a code', async () => {
  const user = await registeredUser(app);
  const { secret } = await enrol(app, user, clock);
  const other = await browser.context.browser()?.newContext();
  const page = other ? await other.newPage() : await browser.context.newPage();
  await page.context().clearCookies();
  const errors = watchErrors(page);
  const rp = await relyingParty(
    await registeredClient(app, admin, { name: 'TOTP RP', redirect_uris: ['http://127.0.0.1/cb'] }),
  );
  const result = await signInWith(rp, page, async (p) => {
    await signInOnPage(p, user);
    await p.getByLabel('Code').fill(codeNow(secret, clock));
    await p.getByRole('button', { name: 'Continue' }).click();
    await approve(p, 'TOTP RP');
  });
  expect(result.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect(result.userinfo).toMatchObject({ preferred_username: user.username });
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);
