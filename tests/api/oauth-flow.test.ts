import { createLocalJWKSet, jwtVerify } from 'jose';
import { movableClock } from '../support/clock';
import {
  bearer,
  refresh,
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
  basicAuth,
  decide,
  exchange,
  jwtPayload,
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

describe('authorize', () => {
  test('an unknown client or an unregistered redirect URI is 400, never a redirect', async () => {
    const client = await registeredClient(app, admin);
    const { challenge } = pkce();
    const unknown = await authorizeRequest(app, authorizeParams({ client_id: 'nosuchclient' }, challenge));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(((await unknown.json()) as { code: string }).code).toBe('invalid_authorization_request');
    for (const redirect_uri of [
      'https://evil.example.com/callback',
      `${REDIRECT}/more`,
      'https://rp.example.com/callback?x=1',
    ]) {
      const response = await authorizeRequest(app, authorizeParams(client, challenge, { redirect_uri }));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  test.each([
    ['no code_challenge', { code_challenge: '' }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: '' }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope the client may not have', { scope: 'openid users:admin' }, 'invalid_scope'],
  ])('%s → 302 to the redirect URI with error, state and iss', async (_name, extra, error) => {
    const client = await registeredClient(app, admin);
    const params = Object.fromEntries(
      Object.entries(authorizeParams(client, pkce().challenge, extra)).filter(([, v]) => v !== ''),
    );
    const url = locationOf(await authorizeRequest(app, params));
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get('error')).toBe(error);
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.get('iss')).toBe(app.server.services.config.jwtIssuer);
    expect(url.searchParams.get('code')).toBeNull();
  });

  test('a loopback redirect URI matches on any port (RFC 8252 §7.3), and the answer goes to that port', async () => {
    const client = await registeredClient(app, admin, { redirect_uris: ['http://127.0.0.1/cb'] });
    const user = await registeredUser(app);
    const response = await authorizeRequest(app, {
      ...authorizeParams(client, pkce().challenge),
      redirect_uri: 'http://127.0.0.1:53127/cb',
    });
    const decided = await decide(app, authorizationIdOf(response), { bearer: await pageSignIn(app, user) });
    expect(decided.url?.origin).toBe('http://127.0.0.1:53127');
    expect(decided.url?.searchParams.get('code')).toBeTruthy();
    const other = await authorizeRequest(app, {
      ...authorizeParams(client, pkce().challenge),
      redirect_uri: 'http://127.0.0.1:53127/other',
    });
    expect(other.status).toBe(400);
  });
});

describe('decideAuthorization', () => {
  test('deny → access_denied with state and iss; the request is then used', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const id = authorizationIdOf(await authorizeRequest(app, authorizeParams(client, pkce().challenge)));
    const token = await pageSignIn(app, user);
    const shown = await app.client.GET('/oauth/authorizations/{authorization_id}', {
      params: { path: { authorization_id: id } },
      headers: bearer(token),
    });
    expect(shown.data).toMatchObject({
      client: { client_id: client.client_id, name: 'Example RP' },
      scopes: ['openid', 'profile', 'email', 'me'],
      redirect_uri: REDIRECT,
      consent_required: true,
    });
    const denied = await decide(app, id, { bearer: token }, 'deny');
    expect(denied.url?.searchParams.get('error')).toBe('access_denied');
    expect(denied.url?.searchParams.get('state')).toBe('st-123');
    expect(denied.url?.searchParams.get('iss')).toBe(app.server.services.config.jwtIssuer);
    expect((await decide(app, id, { bearer: token })).status).toBe(404);
  });

  test("a token issued to an OAuth client cannot approve an authorization (only the hosted pages' sign-in can)", async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const tokens = (await (
      await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    const id = authorizationIdOf(
      await authorizeRequest(app, authorizeParams(client, pkce().challenge, { scope: 'openid me todos:write' })),
    );
    expect((await decide(app, id, { bearer: tokens.access_token })).status).toBe(401);
  });
});

describe('issueToken authorization_code', () => {
  test('public client: tokens, an ID token verified against the JWKS with every claim, userinfo per scope', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const response = await exchange(app, { code, code_verifier: verifier, client_id: client.client_id });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenBody;
    expect(tokens.scope).toBe('me openid profile email');
    expect(jwtPayload(tokens.access_token)).toMatchObject({
      client_id: client.client_id,
      scope: 'me openid profile email',
    });
    const jwks = (await app.client.GET('/.well-known/jwks.json')).data!;
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), {
      issuer: app.server.services.config.jwtIssuer,
      audience: client.client_id,
      currentDate: clock.now(),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      nonce: 'n-456',
      amr: ['pwd'],
      preferred_username: user.username,
      email: user.email,
      email_verified: false,
    });
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.sid).toBe('string');
    const sub = payload.sub!;
    expect((await app.client.GET('/userinfo', { headers: bearer(tokens.access_token) })).data).toEqual({
      sub,
      preferred_username: user.username,
      email: user.email,
      email_verified: false,
    });
    expect((await app.client.POST('/userinfo', { headers: bearer(tokens.access_token) })).data).toEqual({
      sub,
      preferred_username: user.username,
      email: user.email,
      email_verified: false,
    });
  });

  test('userinfo says only what the scopes allow; without openid it is 403 and there is no ID token', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const profileOnly = pkce();
    const a = await authorizedCode(app, user, client, profileOnly.challenge, { scope: 'openid profile' });
    const tokens = (await (
      await exchange(app, { code: a.code, code_verifier: profileOnly.verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    const info = (await app.client.GET('/userinfo', { headers: bearer(tokens.access_token) })).data;
    expect(info).toEqual({ sub: expect.any(String), preferred_username: user.username });
    const plain = pkce();
    const b = await authorizedCode(app, user, client, plain.challenge, { scope: 'me' });
    const apiOnly = (await (
      await exchange(app, { code: b.code, code_verifier: plain.verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    expect(apiOnly.id_token).toBeUndefined();
    expect((await app.client.GET('/userinfo', { headers: bearer(apiOnly.access_token) })).response.status).toBe(403);
  });

  test('wrong verifier, wrong redirect URI, another client → invalid_grant', async () => {
    const client = await registeredClient(app, admin);
    const other = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const attempts: Array<Record<string, string>> = [
      { code, code_verifier: pkce().verifier, client_id: client.client_id },
      { code, code_verifier: verifier, client_id: client.client_id, redirect_uri: 'https://rp.example.com/other' },
      { code, code_verifier: verifier, client_id: other.client_id },
    ];
    for (const fields of attempts) {
      const response = await exchange(app, fields);
      expect(response.status).toBe(400);
      expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    }
    expect((await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })).status).toBe(200);
  });

  test('a code lives 60 seconds', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    clock.advance(61);
    const response = await exchange(app, { code, code_verifier: verifier, client_id: client.client_id });
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_grant');
  });

  test('a second use is invalid_grant and ends what the first issued: its access token 401, its refresh token refused', async () => {
    const client = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const first = (await (
      await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    expect(await meStatus(first.access_token)).toBe(200);
    const second = await exchange(app, { code, code_verifier: verifier, client_id: client.client_id });
    expect(second.status).toBe(400);
    expect(((await second.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    expect(await meStatus(first.access_token)).toBe(401);
    const refreshed = await app.raw(
      '/token',
      tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: client.client_id }),
    );
    expect(refreshed.status).toBe(400);
  });

  test('confidential client: client_secret_basic and client_secret_post work; a wrong or missing secret is 401 invalid_client', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const shown = await app.client.GET('/oauth/clients/{client_id}', {
      params: { path: { client_id: client.client_id } },
      headers: admin.auth,
    });
    expect(shown.data).not.toHaveProperty('client_secret');
    const user = await registeredUser(app);
    const basic = pkce();
    const a = await authorizedCode(app, user, client, basic.challenge);
    expect(
      (
        await exchange(
          app,
          { code: a.code, code_verifier: basic.verifier },
          basicAuth(client.client_id, client.client_secret!),
        )
      ).status,
    ).toBe(200);
    const post = pkce();
    const b = await authorizedCode(app, user, client, post.challenge);
    const wrong = await exchange(
      app,
      { code: b.code, code_verifier: post.verifier },
      basicAuth(client.client_id, 'wrong-secret'),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="tollgate"');
    expect(((await wrong.json()) as OAuthErrorBody).error).toBe('invalid_client');
    const missing = await exchange(app, { code: b.code, code_verifier: post.verifier, client_id: client.client_id });
    expect(missing.status).toBe(401);
    const wrongPost = await exchange(app, {
      code: b.code,
      code_verifier: post.verifier,
      client_id: client.client_id,
      client_secret: 'wrong-secret',
    });
    expect(wrongPost.status).toBe(401);
    expect(
      (
        await exchange(app, {
          code: b.code,
          code_verifier: post.verifier,
          client_id: client.client_id,
          client_secret: client.client_secret!,
        })
      ).status,
    ).toBe(200);
  });

  test('a refresh token is bound to its client: refreshing needs that client, and the new access token names it', async () => {
    const client = await registeredClient(app, admin);
    const other = await registeredClient(app, admin);
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge);
    const tokens = (await (
      await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(400);
    expect(
      (
        await app.raw(
          '/token',
          tokenRequest({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token!,
            client_id: other.client_id,
          }),
        )
      ).status,
    ).toBe(400);
    const refreshed = await app.raw(
      '/token',
      tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id }),
    );
    expect(refreshed.status).toBe(200);
    expect(jwtPayload(((await refreshed.json()) as TokenBody).access_token)).toMatchObject({
      client_id: client.client_id,
    });
  });

  test('scope narrowing: the client may narrow, the user keeps only what the role allows', async () => {
    const client = await registeredClient(app, admin, { scope: 'openid me users:admin' });
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    expect(
      locationOf(
        await authorizeRequest(app, authorizeParams(client, challenge, { scope: 'openid todos:read' })),
      ).searchParams.get('error'),
    ).toBe('invalid_scope');
    const { code } = await authorizedCode(app, user, client, challenge, { scope: 'openid users:admin' });
    const tokens = (await (
      await exchange(app, { code, code_verifier: verifier, client_id: client.client_id })
    ).json()) as TokenBody;
    expect(tokens.scope).toBe('openid');
  });
});
