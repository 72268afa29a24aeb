import { registeredAdmin, registeredUser, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

// ajv's type coercion used to read all of these as the same integer: one todo had a dozen URLs.
const otherSpellings = (n: number) => [
  `0${n}`,
  `00${n}`,
  `+${n}`,
  `%2B${n}`,
  `${n}.0`,
  `${n}e0`,
  `0x${n.toString(16)}`,
  `%20${n}`,
  `${n}%20`,
  `-0${n}`,
];

let app: TestApp;
let user: TestUser;
let todoId: number;
beforeAll(async () => {
  app = await startTestApp();
  user = await registeredUser(app);
  todoId = (await app.client.POST('/todos', { body: { title: 'Buy milk' }, headers: user.auth })).data?.id as number;
});
afterAll(() => app.close());

async function expectRefused(path: string, init: RequestInit, field: string): Promise<void> {
  const response = await app.raw(path, init);
  const body = (await response.json()) as { code: string; errors: { location: string; field: string }[] };
  expect([path, response.status, body.code]).toEqual([path, 400, 'validation_failed']);
  expect(body.errors).toContainEqual(expect.objectContaining({ field }));
}

describe('one spelling per integer in paths', () => {
  test('the plain spelling reaches the todo', async () => {
    expect((await app.raw(`/todos/${todoId}`, { headers: user.auth })).status).toBe(200);
  });

  test.each(['GET', 'PATCH', 'DELETE'])(
    '%s /todos/{id} with 01, +1, 1.0, 1e0, 0x1, %%201 … → 400, and the todo is untouched',
    async (method) => {
      const init = {
        method,
        headers: { ...user.auth, 'content-type': 'application/json' },
        ...(method === 'PATCH' && { body: JSON.stringify({ done: true }) }),
      };
      for (const spelling of otherSpellings(todoId)) await expectRefused(`/todos/${spelling}`, init, 'id');
      const todo = await app.client.GET('/todos/{id}', { params: { path: { id: todoId } }, headers: user.auth });
      expect(todo.data?.done).toBe(false);
    },
  );

  test('GET /users/{id} likewise', async () => {
    const admin = await registeredAdmin(app);
    const me = (await app.client.GET('/users/me', { headers: admin.auth })).data?.id as number;
    expect((await app.raw(`/users/${me}`, { headers: admin.auth })).status).toBe(200);
    for (const spelling of otherSpellings(me)) await expectRefused(`/users/${spelling}`, { headers: admin.auth }, 'id');
  });
});

describe('one spelling per integer in query strings', () => {
  test('limit=10 → 200; limit=0x10, 1e1, 010, +10, 10.0, " 10" → 400', async () => {
    expect((await app.raw('/todos?limit=10', { headers: user.auth })).status).toBe(200);
    for (const spelling of ['0x10', '1e1', '010', '+10', '%2B10', '10.0', '%2010'])
      await expectRefused(`/todos?limit=${spelling}`, { headers: user.auth }, 'limit');
  });

  test('the refusal comes after authentication: without a token it is still 401', async () => {
    expect((await app.raw('/todos/01')).status).toBe(401);
  });
});
