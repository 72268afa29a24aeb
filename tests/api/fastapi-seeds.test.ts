import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tokenRequest } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

// Every command of the FastAPI JWT tutorials (shared/seeds), unchanged but for the host and the
// obfuscated e-mail address, against the real app over HTTP. tollgate's paths for the tutorials'
// /login and /secure-todos are /token and /todos (README "Coming from FastAPI").

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const run = promisify(execFile);
const ALICE_PASSWORD = 'down the rabbit hole to wonderland';

/** Runs the tutorial's curl command (argv as written, host swapped) and splits the status line curl is asked to print. */
async function curl(...args: string[]): Promise<{ status: number; body: unknown }> {
  const swapped = args.map((arg) => arg.replace('http://127.0.0.1:8000', app.url));
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...swapped]);
  const cut = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, cut);
  return { status: Number(stdout.slice(cut + 1)), body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** What Starlette's TestClient (httpx) sends for `client.post(path, data={...})`. */
function testClientForm(fields: Record<string, string>): RequestInit {
  const form = tokenRequest(fields);
  return { ...form, headers: { ...(form.headers as Record<string, string>), accept: '*/*', 'user-agent': 'testclient' } };
}

describe('the curl walkthrough of "Building JWT Auth Chaining with FastAPI"', () => {
  let token = '';

  test('1. create a new user: POST /users/ with JSON', async () => {
    const created = await curl('-X', 'POST', 'http://127.0.0.1:8000/users/', '-H', 'Content-Type: application/json', '-d', '{"username": "testuser", "email": "testuser@example.com", "password": "testpassword"}');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'testuser', email: 'testuser@example.com', is_active: true });
  });

  test('2. obtain a JWT: POST /token with username and password only', async () => {
    const issued = await curl('-X', 'POST', 'http://127.0.0.1:8000/token', '-d', 'username=testuser&password=testpassword');
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });
    token = (issued.body as { access_token: string }).access_token;
  });

  test('3. access a protected endpoint: GET /users/me/ (and /users/me, as the first tutorial calls it)', async () => {
    for (const path of ['/users/me/', '/users/me']) {
      const me = await curl('-X', 'GET', `http://127.0.0.1:8000${path}`, '-H', `Authorization: Bearer ${token}`);
      expect(me).toMatchObject({ status: 200, body: { username: 'testuser', email: 'testuser@example.com', is_active: true } });
    }
  });

  test('registering the same e-mail again is refused (tutorial: 400 "Email already registered"; tollgate: 409)', async () => {
    const again = await curl('-X', 'POST', 'http://127.0.0.1:8000/users/', '-H', 'Content-Type: application/json', '-d', '{"username": "testuser2", "email": "testuser@example.com", "password": "testpassword"}');
    expect(again.status).toBe(409);
  });
});

describe('the pytest suite of "Authentication and Authorization in FastAPI" (/login → /token, /secure-todos → /todos)', () => {
  beforeAll(async () => {
    // The tutorial's "wonderland" is on the common-password list: tollgate refuses it (NIST 800-63B), so alice picks a longer one.
    const register = (password: string) =>
      app.raw('/users/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', email: 'alice@example.com', password }) });
    const refused = await register('wonderland');
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([400, 'password_too_common']);
    expect((await register(ALICE_PASSWORD)).status).toBe(201);
  });

  test('test_login_and_secure_access', async () => {
    const response = await app.raw('/token', testClientForm({ username: 'alice', password: ALICE_PASSWORD }));
    expect(response.status).toBe(200);
    const token = ((await response.json()) as { access_token: string }).access_token;
    const todos = await app.raw('/todos', { headers: { Authorization: `Bearer ${token}` } });
    expect(todos.status).toBe(200);
    expect(Array.isArray(((await todos.json()) as { items: unknown }).items)).toBe(true);
  });

  test('test_invalid_login: refused, with 400 invalid_grant (RFC 6749 §5.2) where the tutorial expects 401', async () => {
    const response = await app.raw('/token', testClientForm({ username: 'alice', password: 'wrong' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('test_secure_route_without_token: 401', async () => {
    expect((await app.raw('/todos')).status).toBe(401);
  });
});
