import { registeredUser, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

// RFC 9110 §9.3.2: HEAD is GET without the body, with the same status and header fields.
let app: TestApp;
let user: TestUser;
let todoId: number;
beforeAll(async () => {
  app = await startTestApp();
  user = await registeredUser(app);
  todoId = (await app.client.POST('/todos', { body: { title: 'Buy milk' }, headers: user.auth })).data?.id as number;
});
afterAll(() => app.close());

/** Header fields that differ from one response to the next whatever the method, and the connection's own (hop-by-hop) ones. */
const PER_RESPONSE = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
function stableHeaders(response: Response): [string, string][] {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (!PER_RESPONSE.has(name)) headers.push([name, value]);
  });
  return headers;
}

async function compare(path: string, headers: Record<string, string> = {}): Promise<{ get: Response; head: Response }> {
  const get = await fetch(app.url + path, { headers });
  const head = await fetch(app.url + path, { method: 'HEAD', headers });
  expect([path, head.status, stableHeaders(head)]).toEqual([path, get.status, stableHeaders(get)]);
  expect(await head.text()).toBe('');
  return { get, head };
}

describe('HEAD on API GET routes', () => {
  test.each([
    ['/users/me'],
    ['/todos'],
    ['/todos?limit=5'],
    ['/.well-known/jwks.json'],
    ['/.well-known/oauth-authorization-server'],
  ])('HEAD %s → what GET answers, without the body', async (path) => {
    const { get } = await compare(path, user.auth);
    expect(get.status).toBe(200);
    expect((await get.text()).length).toBeGreaterThan(0);
  });

  test('HEAD /todos/{id} → 200, and the Content-Length the GET body has', async () => {
    const { head, get } = await compare(`/todos/${todoId}`, user.auth);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(await get.text())));
  });

  test('errors too: no token → 401 with its challenge, an unknown todo → 404, a bad limit → 400', async () => {
    expect((await compare('/users/me')).head.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await compare('/todos/999999', user.auth)).head.status).toBe(404);
    expect((await compare('/todos?limit=0', user.auth)).head.status).toBe(400);
  });

  test('a route without GET still answers 405, and its Allow lists HEAD wherever GET is allowed', async () => {
    const response = await fetch(`${app.url}/token`, { method: 'HEAD' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
    const wrong = await fetch(`${app.url}/todos/${todoId}`, { method: 'PUT', headers: user.auth });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD, PATCH, DELETE']);
  });
});
