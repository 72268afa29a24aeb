import { startTestApp, type TestApp } from '../support/test-app';
import { login, registeredUser } from '../support/flows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const json = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('createUser', () => {
  test('201 with the public user, never a password or hash', async () => {
    const { data, response } = await app.client.POST('/users', { body: { username: 'Bob.the-1', email: 'bob@example.com', password: 'eight8x8' } });
    expect(response.status).toBe(201);
    expect(data).toEqual({ id: expect.any(Number), username: 'Bob.the-1', email: 'bob@example.com', is_active: true, mfa_enabled: false, roles: ['user'], created_at: expect.any(String), email_verified: false, pending_email: null });
    const stored = await app.server.services.db.selectFrom('users').selectAll().where('username', '=', 'Bob.the-1').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$2[aby]\$04\$/);
  });

  test.each([
    ['username', { username: 'BOB.THE-1', email: 'other@example.com' }],
    ['email', { username: 'someone_else', email: 'BOB@Example.COM' }],
  ])('duplicate %s, compared case-insensitively → 409', async (_field, fields) => {
    const { error, response } = await app.client.POST('/users', { body: { password: 'eight8x8', ...fields } });
    expect(response.status).toBe(409);
    expect(error?.code).toBe('user_exists');
  });

  test.each([
    ['username too short', { username: 'ab' }, 'username'],
    ['username too long', { username: 'a'.repeat(33) }, 'username'],
    ['username with a space', { username: 'al ice' }, 'username'],
    ['invalid email', { email: 'not-an-email' }, 'email'],
    ['email over 254', { email: `${'a'.repeat(250)}@example.com` }, 'email'],
    ['password too short', { password: 'short' }, 'password'],
    ['password over 72 characters', { password: 'p'.repeat(73) }, 'password'],
    ['password with a NUL byte', { password: 'abc\u0000defgh' }, 'password'],
    ['unknown field', { admin: true }, 'admin'],
    ['wrong type', { username: 12345 }, 'username'],
  ])('%s → 400 naming the field, nothing stored', async (_name, override, field) => {
    const before = await countUsers();
    const body = { username: 'valid_name', email: 'valid@example.com', password: 'long enough', ...override };
    const response = await app.raw('/users', json(JSON.stringify(body)));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; errors: { field?: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(await countUsers()).toBe(before);
  });

  test('every password the schema accepts is accepted: 72 characters, 144 UTF-8 bytes, every character counted', async () => {
    const password = 'é'.repeat(72);
    const response = await app.raw('/users', json(JSON.stringify({ username: 'unicode_pw', email: 'u@example.com', password })));
    expect(response.status).toBe(201);
    expect((await login(app, 'unicode_pw', password)).status).toBe(200);
    // bcrypt alone reads 72 bytes: these 36 characters would have matched.
    expect((await login(app, 'unicode_pw', password.slice(0, 36))).status).toBe(400);
    expect((await login(app, 'unicode_pw', password.slice(0, 71) + 'e')).status).toBe(400);
  });

  test.each([
    ['malformed JSON', '{"username":', 'malformed_body'],
    ['a JSON string instead of an object', '"alice"', 'malformed_body'],
    ['a JSON array', '[1,2]', 'validation_failed'],
    ['an empty body', '', 'validation_failed'],
  ])('%s → 400', async (_name, body, code) => {
    const response = await app.raw('/users', json(body));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe(code);
  });

  test('the wrong content type → 415', async () => {
    const response = await app.raw('/users', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'alice' });
    expect(response.status).toBe(415);
  });

  test('a body over 100 KB → 413', async () => {
    const response = await app.raw('/users', json(JSON.stringify({ username: 'x'.repeat(110_000) })));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
  });

  test('parallel registrations of one name: exactly one 201, the rest 409', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      app.client.POST('/users', { body: { username: 'racer', email: `racer${i}@example.com`, password: 'long enough' } }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(11).fill(409)]);
  });
});

describe('getCurrentUser', () => {
  test('returns the user the token belongs to', async () => {
    const user = await registeredUser(app);
    const { data, response } = await app.client.GET('/users/me', { headers: user.auth });
    expect(response.status).toBe(200);
    expect(data?.username).toBe(user.username);
  });

  test('the Bearer scheme name is case-insensitive', async () => {
    const user = await registeredUser(app);
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const { response } = await app.client.GET('/users/me', { headers: { Authorization: `${scheme} ${user.token}` } });
      expect(response.status).toBe(200);
    }
  });

  test('a token without the me scope → 403 insufficient_scope', async () => {
    const user = await registeredUser(app, 'todos:read');
    const { error, response } = await app.client.GET('/users/me', { headers: user.auth });
    expect(response.status).toBe(403);
    expect(error?.code).toBe('insufficient_scope');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tollgate", error="insufficient_scope", scope="me"');
  });
});

async function countUsers(): Promise<number> {
  const row = await app.server.services.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
