import { comparisonsDuring } from '../support/password-work';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  login,
  registeredUser,
  tokenRequest,
  type OAuthErrorBody as ErrorBody,
  type TokenBody,
} from '../support/flows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('issueToken', () => {
  test('200 per RFC 6749 §5.1, with no-store caching headers; omitted scope = all the role allows', async () => {
    const user = await registeredUser(app);
    const response = await login(app, user.username, user.password);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as TokenBody;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scope: 'me todos:read todos:write',
    });
  });

  test('the username is matched case-insensitively', async () => {
    const user = await registeredUser(app);
    expect((await login(app, user.username.toUpperCase(), user.password)).status).toBe(200);
  });

  test('a requested scope narrows the token', async () => {
    const user = await registeredUser(app);
    const body = (await (await login(app, user.username, user.password, 'todos:read me')).json()) as TokenBody;
    expect(body.scope).toBe('me todos:read');
  });

  test.each([['users:admin'], ['me bogus']])('a scope the user may not have (%s) → invalid_scope', async (scope) => {
    const user = await registeredUser(app);
    const response = await login(app, user.username, user.password, scope);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error).toBe('invalid_scope');
  });

  test('wrong password, unknown user and inactive user are indistinguishable', async () => {
    const user = await registeredUser(app);
    const inactive = await registeredUser(app);
    await app.server.services.db
      .updateTable('users')
      .set({ is_active: 0 })
      .where('username', '=', inactive.username)
      .execute();
    const answers = await Promise.all([
      login(app, user.username, 'wrong password'),
      login(app, 'nobody_here', 'whatever password'),
      login(app, inactive.username, inactive.password),
    ]);
    const bodies = await Promise.all(
      answers.map(async (r) => ({ status: r.status, body: (await r.json()) as ErrorBody })),
    );
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid username or password.' },
    });
  });

  test('an unknown user costs the same bcrypt work as a wrong password: one comparison at the configured cost', async () => {
    const user = await registeredUser(app);
    expect(await comparisonsDuring(app, () => login(app, 'nobody_at_all', 'some password'))).toEqual({ '4': 1 });
    expect(await comparisonsDuring(app, () => login(app, user.username, 'some password'))).toEqual({ '4': 1 });
  });

  test.each([
    [
      'missing password',
      { grant_type: 'password', username: 'alice' },
      'invalid_request',
      'Missing parameter: password.',
    ],
    [
      'missing grant_type and username (a password grant by default)',
      { password: 'secret12' },
      'invalid_request',
      'Missing parameter: username.',
    ],
    [
      'another grant type',
      { grant_type: 'implicit' },
      'unsupported_grant_type',
      'Grant type "implicit" is not supported.',
    ],
    [
      'a NUL byte in the username',
      { grant_type: 'password', username: 'ali\u0000ce', password: 'secret12' },
      'invalid_request',
      expect.stringMatching(/^username must match pattern/),
    ],
    [
      'a refresh grant without a token',
      { grant_type: 'refresh_token' },
      'invalid_request',
      'Missing parameter: refresh_token.',
    ],
    [
      'a refresh token with foreign characters',
      { grant_type: 'refresh_token', refresh_token: 'not*base64url' },
      'invalid_request',
      expect.stringMatching(/^refresh_token must match pattern/),
    ],
  ])(
    '%s → 400 with the RFC 6749 error code, describing only the named grant',
    async (_name, fields, error, description) => {
      const response = await app.raw('/token', tokenRequest(fields));
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect((await response.json()) as ErrorBody).toEqual({ error, error_description: description });
    },
  );

  test('a JSON body instead of a form → 400 invalid_request', async () => {
    const response = await app.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'a', password: 'b' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error).toBe('invalid_request');
  });

  test('an oversized body → 413 in the RFC 6749 shape', async () => {
    const response = await app.raw(
      '/token',
      tokenRequest({ grant_type: 'password', username: 'a', password: 'x'.repeat(110_000) }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error).toBe('invalid_request');
  });

  test('a standard OAuth2 client (form + Basic-less client_id) works unchanged', async () => {
    const user = await registeredUser(app);
    const body = new URLSearchParams({
      grant_type: 'password',
      username: user.username,
      password: user.password,
      client_id: 'web-app',
      scope: 'me',
    });
    const response = await app.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as TokenBody).scope).toBe('me');
  });
});
