import { parseSetCookie } from 'cookie';
import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser, tokenRequest, type OAuthErrorBody, type TokenBody } from '../support/flows';

const APP_ORIGIN = 'https://app.example.com';
const DEFAULT_NAME = '__Host-tollgate_refresh';

/** A POST to the token endpoints carrying this raw Cookie header, as a browser on APP_ORIGIN sends it. */
function post(app: TestApp, path: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  const request = tokenRequest(fields);
  return app.raw(path, {
    ...request,
    headers: {
      ...(request.headers as Record<string, string>),
      origin: APP_ORIGIN,
      ...(cookie !== undefined && { cookie }),
    },
  });
}

function cookieOf(response: Response) {
  const header = response.headers.get('set-cookie');
  if (header === null) throw new Error('no Set-Cookie header');
  return parseSetCookie(header);
}

async function cookieLogin(app: TestApp): Promise<{ username: string; password: string; cookie: string }> {
  const user = await registeredUser(app);
  const response = await post(app, '/token', {
    grant_type: 'password',
    username: user.username,
    password: user.password,
  });
  expect(response.status).toBe(200);
  return { username: user.username, password: user.password, cookie: cookieOf(response).value ?? '' };
}

describe('cookie mode with the default cookie name', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ REFRESH_COOKIE: 'true', ALLOWED_ORIGINS: APP_ORIGIN });
  });
  afterAll(() => app.close());

  test('the cookie is __Host-tollgate_refresh: Secure, Path=/, no Domain', async () => {
    const user = await registeredUser(app);
    const response = await post(app, '/token', {
      grant_type: 'password',
      username: user.username,
      password: user.password,
    });
    expect(cookieOf(response)).toEqual({
      name: DEFAULT_NAME,
      value: expect.any(String),
      maxAge: 2592000,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
    });
    const revoked = await post(app, '/token/revoke', {}, `${DEFAULT_NAME}=${cookieOf(response).value}`);
    expect(cookieOf(revoked)).toMatchObject({ name: DEFAULT_NAME, value: '', maxAge: 0, path: '/' });
  });

  test.each([
    ['a planted cookie first', (mine: string) => `${DEFAULT_NAME}=planted-token; ${DEFAULT_NAME}=${mine}`],
    ['a planted cookie second', (mine: string) => `${DEFAULT_NAME}=${mine}; ${DEFAULT_NAME}=planted-token`],
    ['the same cookie twice', (mine: string) => `${DEFAULT_NAME}=${mine}; ${DEFAULT_NAME}=${mine}`],
  ])('two cookies of the refresh name (%s) → invalid_grant, neither is used', async (_name, header) => {
    const session = await cookieLogin(app);
    const response = await post(app, '/token', { grant_type: 'refresh_token' }, header(session.cookie));
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    // Nothing was rotated: the genuine cookie alone still refreshes.
    expect(
      (await post(app, '/token', { grant_type: 'refresh_token' }, `${DEFAULT_NAME}=${session.cookie}`)).status,
    ).toBe(200);
  });

  test('two refresh cookies at revocation → 200, nothing revoked', async () => {
    const session = await cookieLogin(app);
    const revoked = await post(app, '/token/revoke', {}, `${DEFAULT_NAME}=x; ${DEFAULT_NAME}=${session.cookie}`);
    expect(revoked.status).toBe(200);
    expect(
      (await post(app, '/token', { grant_type: 'refresh_token' }, `${DEFAULT_NAME}=${session.cookie}`)).status,
    ).toBe(200);
  });

  test.each([
    ['spaces and !', 'not a token!'],
    ['a bad %-escape', '%zz'],
    ['5,000 bytes', 'x'.repeat(5000)],
    ['an empty quoted string', '""'],
  ])('a malformed cookie (%s) blocks no password grant; a refresh with it alone is refused', async (_name, value) => {
    const user = await registeredUser(app);
    const cookie = `${DEFAULT_NAME}=${value}`;
    expect(
      (await post(app, '/token', { grant_type: 'password', username: user.username, password: user.password }, cookie))
        .status,
    ).toBe(200);
    const refresh = await post(app, '/token', { grant_type: 'refresh_token' }, cookie);
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as OAuthErrorBody).error).toBe(value === '""' ? 'invalid_request' : 'invalid_grant');
  });

  test('the served spec names the configured cookie', async () => {
    const spec = (await (await app.raw('/openapi.json')).json()) as {
      components: { parameters: { RefreshCookie: { name: string } } };
    };
    expect(spec.components.parameters.RefreshCookie.name).toBe(DEFAULT_NAME);
  });
});

describe('cookie mode with another name (Path=/token): the first of two cookies does not win', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ REFRESH_COOKIE: 'true', REFRESH_COOKIE_NAME: 'tg_rt', ALLOWED_ORIGINS: APP_ORIGIN });
  });
  afterAll(() => app.close());

  test('a victim cookie followed by an attacker cookie of the same name → invalid_grant', async () => {
    const victim = await cookieLogin(app);
    const attacker = await cookieLogin(app);
    const response = await post(
      app,
      '/token',
      { grant_type: 'refresh_token' },
      `tg_rt=${victim.cookie}; tg_rt=${attacker.cookie}`,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_grant');
  });
});

describe('cookie mode off: the Cookie header is ignored entirely', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  test.each(['tollgate_refresh', DEFAULT_NAME])(
    'a malformed %s cookie blocks neither a password grant nor a refresh with the form field',
    async (name) => {
      const user = await registeredUser(app);
      const cookie = `${name}=not a token!; ${name}=%zz`;
      const login = await post(
        app,
        '/token',
        { grant_type: 'password', username: user.username, password: user.password },
        cookie,
      );
      expect(login.status).toBe(200);
      const { refresh_token } = (await login.json()) as TokenBody;
      expect(
        (await post(app, '/token', { grant_type: 'refresh_token', refresh_token: refresh_token ?? '' }, cookie)).status,
      ).toBe(200);
    },
  );

  test('a valid refresh token in a cookie is not read: the form field is required', async () => {
    const user = await registeredUser(app);
    for (const [path, field] of [
      ['/token', 'refresh_token'],
      ['/token/revoke', 'token'],
    ] as const) {
      const response = await post(
        app,
        path,
        path === '/token' ? { grant_type: 'refresh_token' } : {},
        `${DEFAULT_NAME}=${user.refreshToken}`,
      );
      expect(response.status).toBe(400);
      expect((await response.json()) as OAuthErrorBody).toEqual({
        error: 'invalid_request',
        error_description: `Missing parameter: ${field}.`,
      });
    }
  });

  test('the served spec requires the form fields and has no cookie parameter', async () => {
    for (const document of [
      await (await app.raw('/openapi.json')).text(),
      await (await app.raw('/openapi.yaml')).text(),
    ]) {
      // The hosted pages' sign-in cookie (docs/oauth.md) is another cookie, set by the consent answer whatever REFRESH_COOKIE says.
      const withoutSignInCookie = document.replace(
        /Set-Cookie"?:\s*\{?\s*"?\$ref"?:\s*['"]#\/components\/headers\/SetSignInCookie['"]\s*\}?/g,
        '',
      );
      expect(withoutSignInCookie).not.toMatch(/tollgate_refresh|in: cookie|"in":"cookie"|Set-Cookie/);
    }
    type Schema = { required?: string[] };
    const spec = (await (await app.raw('/openapi.json')).json()) as {
      components: { schemas: Record<string, Schema>; parameters: Record<string, unknown> };
    };
    expect(spec.components.schemas.RefreshTokenGrantRequest?.required).toEqual(['grant_type', 'refresh_token']);
    expect(spec.components.schemas.RevocationRequest?.required).toEqual(['token']);
    expect(spec.components.parameters).not.toHaveProperty('RefreshCookie');
  });
});
