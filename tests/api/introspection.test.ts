import { movableClock } from '../support/clock';
import {
  bearer,
  login,
  refresh,
  registeredAdmin,
  registeredUser,
  revoke,
  tokenRequest,
  type OAuthErrorBody,
  type TestUser,
  type TokenBody,
} from '../support/flows';
import { authorizedCode, basicAuth, exchange, pkce, registeredClient, type OAuthClientCreated } from '../support/oauth';
import { startTestApp, type TestApp } from '../support/test-app';

// RFC 7662 over HTTP: who may ask, what a live token of each kind says, and that everything else
// (ended a moment ago included) is exactly {"active": false}.

const REFRESH_TTL = 3600;
let app: TestApp;
let admin: TestUser;
/** The resource server: a confidential client that only asks. */
let rs: OAuthClientCreated;
const clock = movableClock();

beforeAll(async () => {
  app = await startTestApp({ REFRESH_TOKEN_TTL: String(REFRESH_TTL) }, clock);
  admin = await registeredAdmin(app);
  rs = await confidentialClient();
});
afterAll(() => app.close());

type Introspected = Record<string, unknown>;

async function confidentialClient(): Promise<OAuthClientCreated> {
  return registeredClient(app, await currentAdmin(), { type: 'confidential', name: 'Resource server' });
}

/** The admin logged in now: the tests move the clock past its earlier tokens' lifetime. */
async function currentAdmin(): Promise<TestUser> {
  const { access_token } = (await (await login(app, admin.username, admin.password)).json()) as TokenBody;
  return { ...admin, token: access_token, auth: bearer(access_token) };
}

function secretOf(client: OAuthClientCreated): string {
  if (client.client_secret === undefined) throw new Error('not a confidential client');
  return client.client_secret;
}

/** POST /token/introspect as `client` with client_secret_basic (or the given headers and form). */
async function introspectRaw(fields: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  const request = tokenRequest(fields);
  return app.raw('/token/introspect', {
    ...request,
    headers: { ...(request.headers as Record<string, string>), ...headers },
  });
}

/** A form to `path` authenticated as `client` with client_secret_basic. */
async function postAsClient(
  path: string,
  fields: Record<string, string>,
  client: OAuthClientCreated,
): Promise<Response> {
  const request = tokenRequest(fields);
  return app.raw(path, {
    ...request,
    headers: { ...(request.headers as Record<string, string>), ...basicAuth(client.client_id, secretOf(client)) },
  });
}

async function introspect(token: string, client = rs, hint?: string): Promise<Introspected> {
  const response = await introspectRaw(
    { token, ...(hint !== undefined && { token_type_hint: hint }) },
    basicAuth(client.client_id, secretOf(client)),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as Introspected;
}

async function userId(user: TestUser): Promise<number> {
  const { data } = await app.client.GET('/users/me', { headers: user.auth });
  if (!data) throw new Error('no current user');
  return data.id;
}

async function sessionIdOf(user: TestUser): Promise<string> {
  const { data } = await app.client.GET('/users/me/sessions', { headers: user.auth });
  const current = data?.items.find((s) => s.current);
  if (!current) throw new Error('no current session');
  return current.id;
}

/** A user's tokens from the authorization code grant of `client` (confidential, client_secret_basic). */
async function appTokens(user: TestUser, client: OAuthClientCreated, scope = 'me todos:read'): Promise<TokenBody> {
  const { verifier, challenge } = pkce();
  const { code } = await authorizedCode(app, user, client, challenge, { scope });
  const response = await exchange(
    app,
    { code, code_verifier: verifier },
    basicAuth(client.client_id, secretOf(client)),
  );
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.status}`);
  return (await response.json()) as TokenBody;
}

async function clientRefresh(client: OAuthClientCreated, refreshToken: string): Promise<Response> {
  return app.raw('/token', {
    ...tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...basicAuth(client.client_id, secretOf(client)),
    },
  });
}

const INACTIVE = { active: false };

describe('introspectToken', () => {
  describe('a live access token', () => {
    test("a user's token from the password grant: what it says, with the username and session, no client_id", async () => {
      const user = await registeredUser(app);
      const body = await introspect(user.token);
      const now = Math.floor(clock.now().getTime() / 1000);
      expect(body).toEqual({
        active: true,
        token_type: 'Bearer',
        scope: 'me todos:read todos:write',
        sub: String(await userId(user)),
        username: user.username,
        sid: await sessionIdOf(user),
        exp: now + 900,
        iat: now,
        iss: 'tollgate',
        aud: 'tollgate',
      });
    });

    test('a token from the authorization code grant names its client and session; client_secret_post works too', async () => {
      const user = await registeredUser(app);
      const client = await confidentialClient();
      const tokens = await appTokens(user, client);
      const response = await introspectRaw(
        { token: tokens.access_token, client_id: rs.client_id, client_secret: secretOf(rs) },
        {},
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as Introspected;
      expect(body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        scope: 'me todos:read',
        sub: String(await userId(user)),
        username: user.username,
        client_id: client.client_id,
        sid: expect.any(String),
      });
      const sessions = await app.client.GET('/users/me/sessions', { headers: user.auth });
      expect(sessions.data?.items.map((s) => s.id)).toContain(body.sid);
    });

    test('token_type_hint is only a hint: a wrong one still finds the access token', async () => {
      const user = await registeredUser(app);
      expect(await introspect(user.token, rs, 'refresh_token')).toMatchObject({ active: true, token_type: 'Bearer' });
    });

    test('a role change (an admin demoted) ends the token at once', async () => {
      const other = await registeredAdmin(app);
      expect((await introspect(other.token)).scope).toContain('users:admin');
      const id = await userId(other);
      await app.client.PATCH('/users/{id}', {
        params: { path: { id } },
        headers: (await currentAdmin()).auth,
        body: { roles: ['user'] },
      });
      expect(await introspect(other.token)).toEqual(INACTIVE);
    });
  });

  // The client credentials grant (issue 25): a machine-only client's own token, sub = client_id.
  describe('a machine token', () => {
    async function machineClient(): Promise<OAuthClientCreated> {
      return registeredClient(app, await currentAdmin(), {
        type: 'confidential',
        name: 'Nightly job',
        grant_types: ['client_credentials'],
        redirect_uris: [],
      });
    }

    async function machineToken(client: OAuthClientCreated, scope: string): Promise<string> {
      const response = await postAsClient('/token', { grant_type: 'client_credentials', scope }, client);
      if (response.status !== 200) throw new Error(`client credentials grant: ${response.status}`);
      return ((await response.json()) as TokenBody).access_token;
    }

    test('live: the client is the subject; no username, no session', async () => {
      const machine = await machineClient();
      const token = await machineToken(machine, 'todos:read');
      const now = Math.floor(clock.now().getTime() / 1000);
      expect(await introspect(token)).toEqual({
        active: true,
        token_type: 'Bearer',
        scope: 'todos:read',
        sub: machine.client_id,
        client_id: machine.client_id,
        exp: now + 900,
        iat: now,
        iss: 'tollgate',
        aud: 'tollgate',
      });
      // A machine-only client may introspect too (it is confidential), its own token included.
      expect((await introspect(token, machine)).active).toBe(true);
    });

    test('inactive at once when its client is deleted', async () => {
      const machine = await machineClient();
      const token = await machineToken(machine, 'todos:read');
      const deleted = await app.client.DELETE('/oauth/clients/{client_id}', {
        params: { path: { client_id: machine.client_id } },
        headers: (await currentAdmin()).auth,
      });
      expect(deleted.response.status).toBe(204);
      expect(await introspect(token)).toEqual(INACTIVE);
    });

    test('expired', async () => {
      const token = await machineToken(await machineClient(), 'todos:read');
      clock.advance(901);
      expect(await introspect(token)).toEqual(INACTIVE);
    });
  });

  describe('exactly {"active": false}, at once', () => {
    test('an expired access token', async () => {
      const user = await registeredUser(app);
      expect((await introspect(user.token)).active).toBe(true);
      clock.advance(901);
      expect(await introspect(user.token)).toEqual(INACTIVE);
    });

    test('a token whose session was ended by revoking its refresh token', async () => {
      const user = await registeredUser(app);
      await revoke(app, user.refreshToken);
      expect(await introspect(user.token)).toEqual(INACTIVE);
    });

    test('a token whose session was ended from the session list', async () => {
      const user = await registeredUser(app);
      const sessionId = await sessionIdOf(user);
      const ended = await app.client.DELETE('/users/me/sessions/{sessionId}', {
        params: { path: { sessionId } },
        headers: user.auth,
      });
      expect(ended.response.status).toBe(204);
      expect(await introspect(user.token)).toEqual(INACTIVE);
    });

    test('after "log out everywhere", every token of the user', async () => {
      const user = await registeredUser(app);
      const client = await confidentialClient();
      const appToken = (await appTokens(user, client)).access_token;
      expect((await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status).toBe(204);
      expect(await introspect(user.token)).toEqual(INACTIVE);
      expect(await introspect(appToken)).toEqual(INACTIVE);
    });

    test('after a password change (token_version bumped)', async () => {
      const user = await registeredUser(app);
      const changed = await app.client.PUT('/users/me/password', {
        headers: user.auth,
        body: { current_password: user.password, new_password: 'a brand new password 42' },
      });
      expect(changed.response.status).toBe(204);
      expect(await introspect(user.token)).toEqual(INACTIVE);
    });

    test('a deactivated user', async () => {
      const user = await registeredUser(app);
      const id = await userId(user);
      await app.client.PATCH('/users/{id}', {
        params: { path: { id } },
        headers: (await currentAdmin()).auth,
        body: { is_active: false },
      });
      expect(await introspect(user.token)).toEqual(INACTIVE);
    });

    test.each([
      ['garbage', 'not-a-token'],
      ['a JWT-shaped string', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'],
      ['an unknown refresh-token-shaped string', 'A'.repeat(43)],
    ])('%s', async (_name, token) => {
      expect(await introspect(token)).toEqual(INACTIVE);
      expect(await introspect(token, rs, 'refresh_token')).toEqual(INACTIVE);
    });

    test('a live token with its signature altered', async () => {
      const user = await registeredUser(app);
      const last = user.token.slice(-1) === 'A' ? 'B' : 'A';
      expect(await introspect(user.token.slice(0, -1) + last)).toEqual(INACTIVE);
    });
  });

  describe('a refresh token', () => {
    test('to the client it was issued to: what it says; introspecting neither rotates nor spends it', async () => {
      const user = await registeredUser(app);
      const client = await confidentialClient();
      const tokens = await appTokens(user, client);
      const refreshToken = tokens.refresh_token ?? '';
      const now = Math.floor(clock.now().getTime() / 1000);
      const body = await introspect(refreshToken, client, 'refresh_token');
      expect(body).toEqual({
        active: true,
        token_type: 'refresh_token',
        scope: 'me todos:read',
        sub: String(await userId(user)),
        username: user.username,
        client_id: client.client_id,
        sid: expect.any(String),
        exp: now + REFRESH_TTL,
        iat: now,
        iss: 'tollgate',
      });
      // Without a hint (looked up as an access token first) the same answer, and asking twice changes nothing.
      expect(await introspect(refreshToken, client)).toEqual(body);
      expect((await clientRefresh(client, refreshToken)).status).toBe(200);
    });

    test("another client's refresh token is inactive to it, and still refreshes for its own client", async () => {
      const user = await registeredUser(app);
      const client = await confidentialClient();
      const refreshToken = (await appTokens(user, client)).refresh_token ?? '';
      expect(await introspect(refreshToken, rs, 'refresh_token')).toEqual(INACTIVE);
      expect(await introspect(refreshToken, rs)).toEqual(INACTIVE);
      expect((await clientRefresh(client, refreshToken)).status).toBe(200);
    });

    test('a first-party refresh token (password grant) is inactive to every client', async () => {
      const user = await registeredUser(app);
      expect(await introspect(user.refreshToken, rs, 'refresh_token')).toEqual(INACTIVE);
      expect((await refresh(app, user.refreshToken)).status).toBe(200);
    });

    test('a rotated refresh token is inactive, and asking about it does not end its family (no reuse detection)', async () => {
      const user = await registeredUser(app);
      const client = await confidentialClient();
      const first = (await appTokens(user, client)).refresh_token ?? '';
      const successor = ((await (await clientRefresh(client, first)).json()) as TokenBody).refresh_token ?? '';
      clock.advance(11); // past REFRESH_REUSE_GRACE: a refresh with `first` now would revoke the family
      expect(await introspect(first, client, 'refresh_token')).toEqual(INACTIVE);
      expect((await introspect(successor, client, 'refresh_token')).active).toBe(true);
      expect((await clientRefresh(client, successor)).status).toBe(200);
    });

    test('a revoked, an expired, and a deactivated user’s refresh token', async () => {
      const client = await confidentialClient();
      const revoked = await registeredUser(app);
      const revokedToken = (await appTokens(revoked, client)).refresh_token ?? '';
      const revocation = await app.raw('/token/revoke', {
        ...tokenRequest({ token: revokedToken }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...basicAuth(client.client_id, secretOf(client)),
        },
      });
      expect(revocation.status).toBe(200);
      expect(await introspect(revokedToken, client)).toEqual(INACTIVE);

      const deactivated = await registeredUser(app);
      const deactivatedToken = (await appTokens(deactivated, client)).refresh_token ?? '';
      const id = await userId(deactivated);
      await app.client.PATCH('/users/{id}', {
        params: { path: { id } },
        headers: (await currentAdmin()).auth,
        body: { is_active: false },
      });
      expect(await introspect(deactivatedToken, client)).toEqual(INACTIVE);

      const expiring = await registeredUser(app);
      const expiringToken = (await appTokens(expiring, client)).refresh_token ?? '';
      expect((await introspect(expiringToken, client)).active).toBe(true);
      clock.advance(REFRESH_TTL);
      expect(await introspect(expiringToken, client)).toEqual(INACTIVE);
    });
  });

  describe('who may ask: a confidential client, authenticated (else 401 invalid_client)', () => {
    async function expectInvalidClient(response: Response): Promise<void> {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="tollgate"');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect((await response.json()) as OAuthErrorBody).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
    }

    test('no client authentication at all, a live token: 401 with the Basic challenge, nothing about the token', async () => {
      const user = await registeredUser(app);
      await expectInvalidClient(await introspectRaw({ token: user.token }, {}));
      // A bearer token is not client authentication.
      await expectInvalidClient(await introspectRaw({ token: user.token }, bearer(user.token)));
    });

    test('a public client, by its client_id or by Basic with an empty secret', async () => {
      const user = await registeredUser(app);
      const client = await registeredClient(app, await currentAdmin(), { type: 'public' });
      await expectInvalidClient(await introspectRaw({ token: user.token, client_id: client.client_id }, {}));
      await expectInvalidClient(await introspectRaw({ token: user.token }, basicAuth(client.client_id, '')));
    });

    test('a wrong secret (Basic, then the form) and an unknown client', async () => {
      const user = await registeredUser(app);
      await expectInvalidClient(await introspectRaw({ token: user.token }, basicAuth(rs.client_id, 'wrong')));
      await expectInvalidClient(
        await introspectRaw({ token: user.token, client_id: rs.client_id, client_secret: 'wrong' }, {}),
      );
      await expectInvalidClient(await introspectRaw({ token: user.token }, basicAuth('nosuchclient', secretOf(rs))));
    });

    test('both methods at once → 400 invalid_request', async () => {
      const user = await registeredUser(app);
      const response = await introspectRaw(
        { token: user.token, client_secret: secretOf(rs) },
        basicAuth(rs.client_id, secretOf(rs)),
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_request');
    });
  });

  describe('the form', () => {
    test.each([
      ['no token', {}, 'Missing parameter: token.'],
      // RFC 6749 §3.1: an empty value is an omitted parameter (tests/api/form-parameters.test.ts).
      ['an empty token', { token: '' }, 'Missing parameter: token.'],
      [
        'an unknown hint',
        { token: 'abc', token_type_hint: 'id_token' },
        expect.stringMatching(/^token_type_hint must be equal to one of the allowed values/),
      ],
    ])('%s → 400 invalid_request', async (_name, fields, description) => {
      const response = await introspectRaw(fields, basicAuth(rs.client_id, secretOf(rs)));
      expect(response.status).toBe(400);
      expect((await response.json()) as OAuthErrorBody).toEqual({
        error: 'invalid_request',
        error_description: description,
      });
    });
  });
});
