import { parseSetCookie } from 'cookie';
import { ConfigError, loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser, tokenRequest, type OAuthErrorBody, type TokenBody } from '../support/flows';

const APP_ORIGIN = 'https://app.example.com';
const COOKIE = 'tg_rt';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    REFRESH_COOKIE: 'true',
    REFRESH_COOKIE_NAME: COOKIE,
    ALLOWED_ORIGINS: `${APP_ORIGIN}, http://localhost:5173`,
  });
});
afterAll(() => app.close());

/** What a browser on `origin` sends to the token endpoint, with the cookie jar's refresh cookie. */
function browserPost(
  path: string,
  fields: Record<string, string>,
  options: { origin?: string; cookie?: string },
): Promise<Response> {
  const request = tokenRequest(fields);
  const headers = {
    ...(request.headers as Record<string, string>),
    ...(options.origin && { origin: options.origin }),
    ...(options.cookie && { cookie: `${COOKIE}=${options.cookie}` }),
  };
  return app.raw(path, { ...request, headers });
}

function refreshCookieOf(response: Response) {
  const header = response.headers.get('set-cookie');
  if (header === null) throw new Error('no Set-Cookie header');
  return parseSetCookie(header);
}

async function browserLogin(username: string, password: string): Promise<{ body: TokenBody; cookie: string }> {
  const response = await browserPost('/token', { grant_type: 'password', username, password }, { origin: APP_ORIGIN });
  expect(response.status).toBe(200);
  return { body: (await response.json()) as TokenBody, cookie: refreshCookieOf(response).value ?? '' };
}

async function expectCrossSiteRefusal(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect((await response.json()) as OAuthErrorBody).toEqual({
    error: 'invalid_request',
    error_description: 'The request origin is not allowed to use the refresh cookie.',
  });
}

describe('refresh token in an HttpOnly cookie (REFRESH_COOKIE=true)', () => {
  test('login sets HttpOnly; Secure; SameSite=Strict; Path=/token and leaves the token out of the body', async () => {
    const user = await registeredUser(app);
    const response = await browserPost(
      '/token',
      { grant_type: 'password', username: user.username, password: user.password },
      { origin: APP_ORIGIN },
    );
    expect(response.status).toBe(200);
    expect(refreshCookieOf(response)).toEqual({
      name: COOKIE,
      value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      maxAge: 2592000,
      path: '/token',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
    });
    expect((await response.json()) as TokenBody).not.toHaveProperty('refresh_token');
  });

  test('refresh with the cookie from an allowed origin rotates it: a new cookie, a new access token', async () => {
    const user = await registeredUser(app);
    const session = await browserLogin(user.username, user.password);
    const response = await browserPost(
      '/token',
      { grant_type: 'refresh_token' },
      { origin: APP_ORIGIN, cookie: session.cookie },
    );
    expect(response.status).toBe(200);
    const rotated = refreshCookieOf(response);
    expect(rotated.value).not.toBe(session.cookie);
    const body = (await response.json()) as TokenBody;
    expect(
      (await app.client.GET('/users/me', { headers: { Authorization: `Bearer ${body.access_token}` } })).response
        .status,
    ).toBe(200);
  });

  test.each([
    ['another site', 'https://evil.example'],
    ['a look-alike of an allowed origin', 'https://app.example.com.evil.example'],
  ])('a cookie-carried refresh from %s is refused', async (_name, origin) => {
    const user = await registeredUser(app);
    const session = await browserLogin(user.username, user.password);
    await expectCrossSiteRefusal(
      await browserPost('/token', { grant_type: 'refresh_token' }, { origin, cookie: session.cookie }),
    );
  });

  test('a cookie-carried refresh with no Origin at all is refused', async () => {
    const user = await registeredUser(app);
    const session = await browserLogin(user.username, user.password);
    await expectCrossSiteRefusal(
      await browserPost('/token', { grant_type: 'refresh_token' }, { cookie: session.cookie }),
    );
  });

  test('a login from a foreign origin is refused before any password check (login CSRF)', async () => {
    const user = await registeredUser(app);
    await expectCrossSiteRefusal(
      await browserPost(
        '/token',
        { grant_type: 'password', username: user.username, password: user.password },
        { origin: 'https://evil.example' },
      ),
    );
  });

  test('neither cookie nor form token → invalid_request', async () => {
    const response = await browserPost('/token', { grant_type: 'refresh_token' }, { origin: APP_ORIGIN });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error_description).toBe('Missing parameter: refresh_token.');
  });

  test('revoke with the cookie clears it and ends the session', async () => {
    const user = await registeredUser(app);
    const session = await browserLogin(user.username, user.password);
    const response = await browserPost('/token/revoke', {}, { origin: APP_ORIGIN, cookie: session.cookie });
    expect(response.status).toBe(200);
    expect(refreshCookieOf(response)).toMatchObject({ name: COOKIE, value: '', maxAge: 0, path: '/token' });
    expect(
      (await browserPost('/token', { grant_type: 'refresh_token' }, { origin: APP_ORIGIN, cookie: session.cookie }))
        .status,
    ).toBe(400);
  });

  test('log out everywhere clears the cookie too', async () => {
    const user = await registeredUser(app);
    const session = await browserLogin(user.username, user.password);
    const { response } = await app.client.DELETE('/users/me/sessions', {
      headers: { Authorization: `Bearer ${session.body.access_token}` },
    });
    expect(response.status).toBe(204);
    expect(refreshCookieOf(response)).toMatchObject({ name: COOKIE, value: '', maxAge: 0, path: '/token' });
  });

  test('CORS: an allowed origin may read our answers with credentials; another gets no CORS headers', async () => {
    const allowed = await app.raw('/healthz', { headers: { origin: APP_ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const preflight = await fetch(`${app.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const foreign = await app.raw('/healthz', { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('cookie mode configuration', () => {
  const base = { DATABASE_URL: 'sqlite::memory:' };

  test('REFRESH_COOKIE=true needs ALLOWED_ORIGINS', () => {
    expect(() => loadConfig({ ...base, REFRESH_COOKIE: 'true' })).toThrow(
      'ALLOWED_ORIGINS must list the origins of your web app when REFRESH_COOKIE=true',
    );
  });

  test.each([
    ['REFRESH_COOKIE', 'yes', 'REFRESH_COOKIE must be true or false (got "yes")'],
    [
      'ALLOWED_ORIGINS',
      'https://app.example.com/',
      'ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "https://app.example.com/")',
    ],
    ['ALLOWED_ORIGINS', '*', 'ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "*")'],
    ['REFRESH_COOKIE_NAME', 'bad name;', 'REFRESH_COOKIE_NAME must be a cookie name'],
    ['REFRESH_REUSE_GRACE', '900', 'REFRESH_REUSE_GRACE must be an integer from 0 to 300 (got "900")'],
  ])('%s=%s is refused', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ ...base, [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toContain(message);
  });

  test('without cookie mode the refresh token is in the body and no cookie is set', async () => {
    const plain = await startTestApp();
    try {
      const user = await registeredUser(plain);
      const response = await plain.raw(
        '/token',
        tokenRequest({ grant_type: 'password', username: user.username, password: user.password }),
      );
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(((await response.json()) as TokenBody).refresh_token).toEqual(expect.any(String));
    } finally {
      await plain.close();
    }
  });
});
