import { login, registeredUser, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

// Each case was found by the fuzz suite (tests/fuzz) as a 500, or as input stored changed.

let app: TestApp;
let alice: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  alice = await registeredUser(app);
});
afterAll(() => app.close());

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { ...alice.auth, 'content-type': 'application/json', ...headers },
  body: Buffer.from(body, 'utf8'),
});

async function todoCount(): Promise<number> {
  const { data } = await app.client.GET('/todos', { params: { query: { limit: 100 } }, headers: alice.auth });
  return data?.items.length ?? -1;
}

async function problemCode(response: Response): Promise<string> {
  return ((await response.json()) as { code: string }).code;
}

describe('a path that is not valid percent-encoded UTF-8', () => {
  test.each(['%', '%zz', '%C0%AF', '%ED%A0%80', '1%'])(
    '/todos/%s → 400 validation_failed, not 500',
    async (segment) => {
      const response = await app.raw(`/todos/${segment}`, { method: 'DELETE', headers: alice.auth });
      expect(response.status).toBe(400);
      expect(await problemCode(response)).toBe('validation_failed');
    },
  );

  test('a path no operation has stays a 404', async () => {
    const response = await app.raw('/nowhere/%', { headers: alice.auth });
    expect(response.status).toBe(404);
  });
});

describe('a body that does not match its Content-Encoding', () => {
  test.each(['gzip', 'deflate'])('%s → 400 malformed_body, nothing stored', async (encoding) => {
    const before = await todoCount();
    const response = await app.raw('/todos', json('{"title":"x"}', { 'content-encoding': encoding }));
    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe('malformed_body');
    expect(await todoCount()).toBe(before);
  });

  test('the token endpoint answers invalid_request', async () => {
    const response = await app.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: `grant_type=password&username=${alice.username}&password=${encodeURIComponent(alice.password)}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('JSON text that is not Unicode', () => {
  test('a lone surrogate escape → 400 malformed_body, nothing stored (it would come back as U+FFFD)', async () => {
    const before = await todoCount();
    const response = await app.raw('/todos', json('{"title":"a\\ud800b"}'));
    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe('malformed_body');
    expect(await todoCount()).toBe(before);
  });

  test('a lone surrogate in a field name is refused too', async () => {
    const response = await app.raw('/todos', json('{"title":"a","\\udc00":1}'));
    expect(response.status).toBe(400);
  });

  test('a surrogate pair (an emoji, escaped) is text: stored and echoed unchanged', async () => {
    const response = await app.raw('/todos', json('{"title":"a\\ud83d\\ude00b"}'));
    expect(response.status).toBe(201);
    expect(((await response.json()) as { title: string }).title).toBe('a😀b');
  });
});

test('JSON nested 5,000 levels deep → 400, not a stack overflow', async () => {
  const response = await app.raw('/users/me/password', {
    ...json(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    method: 'PUT',
  });
  expect(response.status).toBe(400);
});

describe('a query parameter the operation does not declare', () => {
  test('GET /users/me?x=1 → 400 validation_failed, documented in the spec', async () => {
    const response = await app.raw('/users/me?x=1', { headers: alice.auth });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ location: 'query', field: 'x', message: 'is not a known field' }],
    });
  });

  test('DELETE /users/me/sessions?x=1 → 400, and every session lives on', async () => {
    const response = await app.raw('/users/me/sessions?x=1', { method: 'DELETE', headers: alice.auth });
    expect(response.status).toBe(400);
    expect((await app.raw('/users/me', { headers: alice.auth })).status).toBe(200);
    expect((await login(app, alice.username, alice.password)).status).toBe(200);
  });
});
