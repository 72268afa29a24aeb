import { movableClock } from '../support/clock';
import {
  bearer,
  registeredAdmin,
  registeredUser,
  tokenRequest,
  type OAuthErrorBody,
  type TestUser,
  type TokenBody,
} from '../support/flows';
import {
  authorizationIdOf,
  authorizedCode,
  authorizeParams,
  authorizeRequest,
  decide,
  exchange,
  locationOf,
  pageSignIn,
  pkce,
  registeredClient,
  REDIRECT,
} from '../support/oauth';
import { startTestApp, type TestApp } from '../support/test-app';

const clock = movableClock();
let app: TestApp;
let admin: TestUser;
beforeAll(async () => {
  app = await startTestApp({}, clock);
  admin = await registeredAdmin(app);
});
afterAll(() => app.close());

const meStatus = async (token: string) =>
  (await app.client.GET('/users/me', { headers: bearer(token) })).response.status;

async function viewWithCookie(id: string, cookie: string): Promise<Response> {
  return app.raw(`/oauth/authorizations/${id}`, { headers: { cookie } });
}

/** A user who approved `client` once on the hosted pages: their sign-in cookie. */
async function signedInWithConsent(user: TestUser, client: { client_id: string }): Promise<string> {
  const { cookie } = await authorizedCode(app, user, client, pkce().challenge);
  if (!cookie) throw new Error('no sign-in cookie');
  return cookie;
}

async function tokensFor(user: TestUser, client: { client_id: string }): Promise<TokenBody> {
  const { verifier, challenge } = pkce();
  const { code } = await authorizedCode(app, user, client, challenge);
  return (await (
    await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
  ).json()) as TokenBody;
}

describe('single sign-on', () => {
  test('the consent answer sets an HttpOnly __Host- cookie; the sign-in is a session listed like any other', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const id = authorizationIdOf(await authorizeRequest(app, authorizeParams(client, pkce().challenge)));
    const response = await app.raw(`/oauth/authorizations/${id}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(await pageSignIn(app, user)) },
      body: JSON.stringify({ action: 'approve' }),
    });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-tollgate_sso=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    const sessions = (await app.client.GET('/users/me/sessions', { headers: user.auth })).data!.items;
    expect(sessions.length).toBeGreaterThanOrEqual(2);
  });

  test('remembered consent + sign-in cookie: a second authorization comes straight back with a code', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    const { verifier, challenge } = pkce();
    const url = locationOf(await authorizeRequest(app, authorizeParams(client, challenge), cookie));
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get('iss')).toBe(app.server.services.config.jwtIssuer);
    const code = url.searchParams.get('code')!;
    expect((await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })).status).toBe(200);
  });

  test('another app in the same browser asks only for consent: the cookie alone shows and approves it', async () => {
    const first = await registeredClient(app, admin);
    const second = await registeredClient(app, admin, { name: 'Second RP' });
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, first);
    const id = authorizationIdOf(await authorizeRequest(app, authorizeParams(second, pkce().challenge), cookie));
    const shown = await viewWithCookie(id, cookie);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({ client: { name: 'Second RP' }, consent_required: true });
    const decided = await decide(app, id, { cookie });
    expect(decided.url?.searchParams.get('code')).toBeTruthy();
    expect((await viewWithCookie(id, 'other=1')).status).toBe(401);
  });

  test('ending the sign-in session ends the single sign-on', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    await app.client.DELETE('/users/me/sessions', { headers: user.auth });
    const url = locationOf(await authorizeRequest(app, authorizeParams(client, pkce().challenge), cookie));
    expect(url.pathname).toBe('/ui/authorize');
  });
});

describe('prompt and max_age', () => {
  test('prompt=none without a sign-in → login_required; signed in without consent → consent_required', async () => {
    const client = await registeredClient(app, admin);
    const other = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const none = locationOf(await authorizeRequest(app, authorizeParams(client, pkce().challenge, { prompt: 'none' })));
    expect(none.searchParams.get('error')).toBe('login_required');
    expect(none.searchParams.get('state')).toBe('st-123');
    const cookie = await signedInWithConsent(user, client);
    const noConsent = locationOf(
      await authorizeRequest(app, authorizeParams(other, pkce().challenge, { prompt: 'none' }), cookie),
    );
    expect(noConsent.searchParams.get('error')).toBe('consent_required');
    const silent = locationOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { prompt: 'none' }), cookie),
    );
    expect(silent.searchParams.get('code')).toBeTruthy();
  });

  test('prompt=login forces a fresh sign-in: the cookie is not enough, a new sign-in is', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    clock.advance(1);
    const id = authorizationIdOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { prompt: 'login' }), cookie),
    );
    const byCookie = await viewWithCookie(id, cookie);
    expect(byCookie.status).toBe(401);
    expect(((await byCookie.json()) as { code: string }).code).toBe('login_required');
    expect((await decide(app, id, { cookie })).status).toBe(401);
    clock.advance(1);
    expect((await decide(app, id, { bearer: await pageSignIn(app, user) })).url?.searchParams.get('code')).toBeTruthy();
  });

  test('max_age: a sign-in older than it must be repeated', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    expect(
      locationOf(
        await authorizeRequest(app, authorizeParams(client, pkce().challenge, { max_age: '60' }), cookie),
      ).searchParams.get('code'),
    ).toBeTruthy();
    clock.advance(120);
    const id = authorizationIdOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { max_age: '60' }), cookie),
    );
    expect((await viewWithCookie(id, cookie)).status).toBe(401);
  });

  test('prompt=consent asks again although consent is remembered', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    const id = authorizationIdOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { prompt: 'consent' }), cookie),
    );
    expect(await (await viewWithCookie(id, cookie)).json()).toMatchObject({ consent_required: true });
  });

  test('a wider scope than the one consented to asks again', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const cookie = await signedInWithConsent(user, client);
    const url = locationOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { scope: 'openid me todos:read' }), cookie),
    );
    expect(url.pathname).toBe('/ui/authorize');
  });
});

describe('ending a client’s tokens', () => {
  test('authorized apps are listed; withdrawing consent ends that client’s tokens for this user at once', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const tokens = await tokensFor(user, client);
    const apps = (await app.client.GET('/users/me/authorized-apps', { headers: user.auth })).data!.items;
    expect(apps).toEqual([
      {
        client_id: client.client_id,
        name: 'Example RP',
        scopes: ['openid', 'profile', 'email', 'me'],
        granted_at: expect.any(String),
      },
    ]);
    const { response } = await app.client.DELETE('/users/me/authorized-apps/{client_id}', {
      params: { path: { client_id: client.client_id } },
      headers: user.auth,
    });
    expect(response.status).toBe(204);
    expect(await meStatus(tokens.access_token)).toBe(401);
    const refreshed = await app.raw(
      '/token',
      tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id }),
    );
    expect(((await refreshed.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    expect(await meStatus(user.token)).toBe(200);
    expect((await app.client.GET('/users/me/authorized-apps', { headers: user.auth })).data!.items).toEqual([]);
  });

  test('deleting a client ends its access and refresh tokens at once', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const tokens = (await (
      await exchange(app, {
        code,
        code_verifier: verifier,
        client_id: client.client_id,
        client_secret: client.client_secret!,
      })
    ).json()) as TokenBody;
    expect(await meStatus(tokens.access_token)).toBe(200);
    const { response } = await app.client.DELETE('/oauth/clients/{client_id}', {
      params: { path: { client_id: client.client_id } },
      headers: admin.auth,
    });
    expect(response.status).toBe(204);
    expect(await meStatus(tokens.access_token)).toBe(401);
    const refreshed = await app.raw(
      '/token',
      tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: client.client_id,
        client_secret: client.client_secret!,
      }),
    );
    expect(refreshed.status).toBeGreaterThanOrEqual(400);
    expect(
      (
        await app.client.GET('/oauth/clients/{client_id}', {
          params: { path: { client_id: client.client_id } },
          headers: admin.auth,
        })
      ).response.status,
    ).toBe(404);
  });
});
