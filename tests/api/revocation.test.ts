import { startTestApp, type TestApp } from '../support/test-app';
import {
  login,
  refresh,
  registeredUser,
  revoke,
  tokenRequest,
  type OAuthErrorBody,
  type TokenBody,
} from '../support/flows';

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
