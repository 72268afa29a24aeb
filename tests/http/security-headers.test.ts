import { login, registeredAdmin, registeredUser, tokenRequest, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let user: TestUser;
let admin: TestUser;
let todoId: number;
beforeAll(async () => {
  app = await startTestApp();
  user = await registeredUser(app);
  admin = await registeredAdmin(app);
  todoId = (await app.client.POST('/todos', { body: { title: 'Buy milk' }, headers: user.auth })).data?.id as number;
});
afterAll(() => app.close());

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** [label, request] pairs: every authenticated or personal answer, successes and failures. */
function personalRequests(): [string, () => Promise<Response>][] {
  return [
    ['GET /users/me 200', () => fetch(`${app.url}/users/me`, { headers: user.auth })],
    ['GET /users/me 401', () => fetch(`${app.url}/users/me`)],
    [
      'GET /users/me 401 (bad token)',
      () => fetch(`${app.url}/users/me`, { headers: { Authorization: 'Bearer nope' } }),
    ],
    [
      'PATCH /users/me 200',
      () => fetch(`${app.url}/users/me`, json('PATCH', { email: `${user.username}@example.org` }, user.auth)),
    ],
    ['GET /todos 200', () => fetch(`${app.url}/todos`, { headers: user.auth })],
    ['GET /todos/{id} 200', () => fetch(`${app.url}/todos/${todoId}`, { headers: user.auth })],
    ['GET /todos/{id} 404', () => fetch(`${app.url}/todos/999999`, { headers: user.auth })],
    ['POST /todos 201', () => fetch(`${app.url}/todos`, json('POST', { title: 'Another' }, user.auth))],
    [
      'POST /todos 400 (malformed body)',
      () =>
        fetch(`${app.url}/todos`, {
          method: 'POST',
          headers: { ...user.auth, 'content-type': 'application/json' },
          body: '{',
        }),
    ],
    ['GET /users 200 (admin)', () => fetch(`${app.url}/users`, { headers: admin.auth })],
    ['GET /users 403', () => fetch(`${app.url}/users`, { headers: user.auth })],
    [
      'POST /users 201',
      () =>
        fetch(
          `${app.url}/users`,
          json('POST', {
            username: 'headers_new',
            email: 'headers_new@example.com',
            password: 'a long enough password',
          }),
        ),
    ],
    ['POST /token 200', () => login(app, user.username, user.password)],
    ['POST /token 400', () => login(app, user.username, 'wrong password')],
    ['POST /token/revoke 200', () => fetch(`${app.url}/token/revoke`, tokenRequest({ token: user.refreshToken }))],
    [
      'DELETE /users/me/sessions 204',
      () => fetch(`${app.url}/users/me/sessions`, { method: 'DELETE', headers: admin.auth }),
    ],
    ['unknown API path 404', () => fetch(`${app.url}/nowhere`)],
  ];
}

describe('Cache-Control: no-store on every authenticated or personal answer', () => {
  test('each of them, success or failure', async () => {
    for (const [label, request] of personalRequests()) {
      const response = await request();
      expect([label, response.headers.get('cache-control')]).toEqual([label, 'no-store']);
    }
  });

  test('the public documents stay cacheable (the metadata document only when built on PUBLIC_URL)', async () => {
    const withPublicUrl = await startTestApp({ PUBLIC_URL: 'https://auth.example.com' });
    try {
      for (const path of ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server']) {
        expect([path, (await fetch(withPublicUrl.url + path)).headers.get('cache-control')]).toEqual([
          path,
          expect.stringMatching(/^public/),
        ]);
      }
    } finally {
      await withPublicUrl.close();
    }
    expect((await fetch(`${app.url}/.well-known/jwks.json`)).headers.get('cache-control')).toMatch(/^public/);
  });
});

describe('X-Content-Type-Options: nosniff on every response', () => {
  test('API, errors, meta routes, docs and their assets', async () => {
    const answers = [
      ...(await Promise.all(personalRequests().map(async ([label, request]) => [label, await request()] as const))),
      ...(await Promise.all(
        [
          '/healthz',
          '/openapi.json',
          '/openapi.yaml',
          '/docs',
          '/docs/init.js',
          '/docs/swagger-ui.css',
          '/.well-known/jwks.json',
        ].map(async (path) => [path, await fetch(app.url + path)] as const),
      )),
      ['POST /healthz 405', await fetch(`${app.url}/healthz`, { method: 'POST' })] as const,
    ];
    for (const [label, response] of answers)
      expect([label, response.headers.get('x-content-type-options')]).toEqual([label, 'nosniff']);
  });
});

describe('/docs: no framing, no Referer', () => {
  test.each(['/docs', '/docs/oauth2-redirect.html'])(
    '%s has a CSP with frame-ancestors none, self-only scripts, and Referrer-Policy no-referrer',
    async (path) => {
      const response = await fetch(app.url + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp.split(/;\s*/)).toEqual(
        expect.arrayContaining([
          "frame-ancestors 'none'",
          "script-src 'self'",
          "default-src 'none'",
          "connect-src 'self'",
        ]),
      );
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );
});
