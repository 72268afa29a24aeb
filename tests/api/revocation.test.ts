import { startTestApp, type TestApp } from '../support/test-app';
import {
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

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function refreshStatus(refreshToken: string): Promise<number> {
  return (await refresh(app, refreshToken)).status;
}

describe('revokeToken', () => {
  test('200 with no body; the refresh token and its whole family stop working', async () => {
    const user = await registeredUser(app);
    const successor = ((await (await refresh(app, user.refreshToken)).json()) as TokenBody).refresh_token ?? '';
    const response = await revoke(app, successor);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    expect(await refreshStatus(successor)).toBe(400);
    expect(await refreshStatus(user.refreshToken)).toBe(400);
  });

  test("revoking one device's token leaves the user's other devices signed in", async () => {
    const user = await registeredUser(app);
    const other = ((await (await login(app, user.username, user.password)).json()) as TokenBody).refresh_token ?? '';
    await revoke(app, user.refreshToken);
    expect(await refreshStatus(other)).toBe(200);
  });

  test.each([
    ['an unknown token', 'A'.repeat(43)],
    ['an already revoked token', undefined],
  ])('%s → 200 all the same (RFC 7009 §2.2)', async (_name, token) => {
    const user = await registeredUser(app);
    if (token === undefined) await revoke(app, user.refreshToken);
    expect((await revoke(app, token ?? user.refreshToken)).status).toBe(200);
  });

  test('an access token → 200; it cannot be revoked alone and keeps working until it expires', async () => {
    const user = await registeredUser(app);
    const response = await app.raw(
      '/token/revoke',
      tokenRequest({ token: user.token, token_type_hint: 'access_token' }),
    );
    expect(response.status).toBe(200);
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(200);
  });

  test.each([
    ['no token', {}, 'Missing parameter: token.'],
    [
      'an unknown hint',
      { token: 'abc', token_type_hint: 'id_token' },
      expect.stringMatching(/^token_type_hint must be equal to one of the allowed values/),
    ],
  ])('%s → 400 invalid_request', async (_name, fields, description) => {
    const response = await app.raw('/token/revoke', tokenRequest(fields));
    expect(response.status).toBe(400);
    expect((await response.json()) as OAuthErrorBody).toEqual({
      error: 'invalid_request',
      error_description: description,
    });
  });

  test('a JSON body → 400 invalid_request in the RFC 6749 shape', async () => {
    const response = await app.raw('/token/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"token":"abc"}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_request');
  });
});

// RFC 7009 §2.1: a registered client's refresh token is revoked only by that client.
describe('revokeToken by clients', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await registeredAdmin(app);
  });

  const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => {
    const request = tokenRequest(fields);
    return { ...request, headers: { ...(request.headers as Record<string, string>), ...headers } };
  };
  const secretOf = (client: OAuthClientCreated): string => client.client_secret ?? '';

  /** A fresh user's refresh token issued to `client` through the authorization code grant. */
  async function clientRefreshToken(client: OAuthClientCreated): Promise<string> {
    const user = await registeredUser(app);
    const { verifier, challenge } = pkce();
    const { code } = await authorizedCode(app, user, client, challenge, { scope: 'me' });
    const credentials: Record<string, string> =
      client.type === 'confidential' ? basicAuth(client.client_id, secretOf(client)) : {};
    const fields: Record<string, string> = client.type === 'confidential' ? {} : { client_id: client.client_id };
    const response = await exchange(app, { code, code_verifier: verifier, ...fields }, credentials);
    return ((await response.json()) as TokenBody).refresh_token ?? '';
  }

  /** Whether `token` still refreshes for `client` (a 200 rotates it: the successor is returned to keep using). */
  async function stillRefreshes(client: OAuthClientCreated, token: string): Promise<boolean> {
    const credentials: Record<string, string> =
      client.type === 'confidential' ? basicAuth(client.client_id, secretOf(client)) : {};
    const fields: Record<string, string> = client.type === 'confidential' ? {} : { client_id: client.client_id };
    const response = await app.raw(
      '/token',
      form({ grant_type: 'refresh_token', refresh_token: token, ...fields }, credentials),
    );
    return response.status === 200;
  }

  async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(((await response.json()) as OAuthErrorBody).error).toBe(error);
  }

  test('a confidential client revokes its own token with client_secret_basic or client_secret_post', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const basic = await clientRefreshToken(client);
    const response = await app.raw(
      '/token/revoke',
      form({ token: basic }, basicAuth(client.client_id, secretOf(client))),
    );
    expect(response.status).toBe(200);
    expect(await stillRefreshes(client, basic)).toBe(false);
    const post = await clientRefreshToken(client);
    const posted = await app.raw(
      '/token/revoke',
      form({ token: post, client_id: client.client_id, client_secret: secretOf(client) }),
    );
    expect(posted.status).toBe(200);
    expect(await stillRefreshes(client, post)).toBe(false);
  });

  test('a public client revokes its own token by naming itself', async () => {
    const client = await registeredClient(app, admin, { type: 'public' });
    const token = await clientRefreshToken(client);
    expect((await app.raw('/token/revoke', form({ token, client_id: client.client_id }))).status).toBe(200);
    expect(await stillRefreshes(client, token)).toBe(false);
  });

  test("another client revoking a client's token → 400 unauthorized_client, and the token lives", async () => {
    const owner = await registeredClient(app, admin, { type: 'confidential' });
    const token = await clientRefreshToken(owner);
    const other = await registeredClient(app, admin, { type: 'confidential' });
    await expectOAuthError(
      await app.raw('/token/revoke', form({ token }, basicAuth(other.client_id, secretOf(other)))),
      400,
      'unauthorized_client',
    );
    const publicClient = await registeredClient(app, admin, { type: 'public' });
    await expectOAuthError(
      await app.raw('/token/revoke', form({ token, client_id: publicClient.client_id })),
      400,
      'unauthorized_client',
    );
    expect(await stillRefreshes(owner, token)).toBe(true);
  });

  test("no client named for a client's token → 401 invalid_client with the Basic challenge, and the token lives", async () => {
    const owner = await registeredClient(app, admin, { type: 'confidential' });
    const token = await clientRefreshToken(owner);
    const unnamed: Record<string, string>[] = [{ token }, { token, client_id: 'web-app' }];
    for (const fields of unnamed) {
      const response = await app.raw('/token/revoke', form(fields));
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="tollgate"');
      await expectOAuthError(response, 401, 'invalid_client');
    }
    // Naming the owner without its secret is no better.
    await expectOAuthError(
      await app.raw('/token/revoke', form({ token, client_id: owner.client_id })),
      401,
      'invalid_client',
    );
    const publicOwner = await registeredClient(app, admin, { type: 'public' });
    const publicToken = await clientRefreshToken(publicOwner);
    await expectOAuthError(await app.raw('/token/revoke', form({ token: publicToken })), 401, 'invalid_client');
    expect(await stillRefreshes(owner, token)).toBe(true);
    expect(await stillRefreshes(publicOwner, publicToken)).toBe(true);
  });

  test('a wrong secret → 401 invalid_client first, whatever the token (even one never issued)', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const token = await clientRefreshToken(client);
    for (const presented of [token, 'A'.repeat(43)]) {
      const response = await app.raw('/token/revoke', form({ token: presented }, basicAuth(client.client_id, 'wrong')));
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="tollgate"');
      await expectOAuthError(response, 401, 'invalid_client');
    }
    expect(await stillRefreshes(client, token)).toBe(true);
  });

  test('a registered client presenting a first-party token → 400 unauthorized_client; without a client it is revoked as before', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const user = await registeredUser(app);
    await expectOAuthError(
      await app.raw('/token/revoke', form({ token: user.refreshToken }, basicAuth(client.client_id, secretOf(client)))),
      400,
      'unauthorized_client',
    );
    expect(await refreshStatus(user.refreshToken)).toBe(200);
    const other = await registeredUser(app);
    expect((await app.raw('/token/revoke', form({ token: other.refreshToken, client_id: 'web-app' }))).status).toBe(
      200,
    );
    expect(await refreshStatus(other.refreshToken)).toBe(400);
  });

  test("an authenticated client's unknown token, or an access token → 200 (RFC 7009 §2.2)", async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const user = await registeredUser(app);
    for (const token of ['A'.repeat(43), user.token])
      expect(
        (await app.raw('/token/revoke', form({ token }, basicAuth(client.client_id, secretOf(client))))).status,
      ).toBe(200);
  });
});
