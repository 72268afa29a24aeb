import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser, type TestUser } from '../support/flows';

let app: TestApp;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  alice = await registeredUser(app);
  bob = await registeredUser(app);
});
afterAll(() => app.close());

async function createTodo(user: TestUser, title: string) {
  const { data, response } = await app.client.POST('/todos', { body: { title }, headers: user.auth });
  if (!data) throw new Error(`createTodo failed: ${response.status}`);
  return { todo: data, response };
}

describe('createTodo', () => {
  test('201 with Location pointing at the new todo', async () => {
    const { todo, response } = await createTodo(alice, 'Buy milk');
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/todos/${todo.id}`);
    expect(todo).toEqual({
      id: expect.any(Number),
      title: 'Buy milk',
      done: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  test.each([
    ['empty title', { title: '' }],
    ['whitespace-only title', { title: '   ' }],
    ['title over 200 characters', { title: 't'.repeat(201) }],
    ['NUL byte in the title', { title: 'a\u0000b' }],
    ['done not a boolean', { title: 'x', done: 'yes' }],
    ['unknown field', { title: 'x', owner_id: 1 }],
  ])('%s → 400, nothing stored', async (_name, body) => {
    const before = await app.client.GET('/todos', { params: { query: { limit: 100 } }, headers: alice.auth });
    const response = await app.raw('/todos', {
      method: 'POST',
      headers: { ...alice.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const after = await app.client.GET('/todos', { params: { query: { limit: 100 } }, headers: alice.auth });
    expect(after.data?.items.length).toBe(before.data?.items.length);
  });

  test('a token with only todos:read cannot write → 403', async () => {
    const reader = await registeredUser(app, 'todos:read');
    const { response, error } = await app.client.POST('/todos', { body: { title: 'x' }, headers: reader.auth });
    expect(response.status).toBe(403);
    expect(error?.code).toBe('insufficient_scope');
  });

  test('an unauthenticated request never reaches the handler: nothing is stored', async () => {
    const count = async () => (await app.server.services.db.selectFrom('todos').select('id').execute()).length;
    const before = await count();
    const { response } = await app.client.POST('/todos', { body: { title: 'sneaky' } });
    expect(response.status).toBe(401);
    expect(await count()).toBe(before);
  });
});

describe('listTodos', () => {
  test('pages visit every todo exactly once, oldest first, and the last page has next_cursor null', async () => {
    const owner = await registeredUser(app);
    const created: number[] = [];
    for (let i = 0; i < 7; i += 1) created.push((await createTodo(owner, `todo ${i}`)).todo.id);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const { data } = await app.client.GET('/todos', {
        params: { query: { limit: 3, ...(cursor && { cursor }) } },
        headers: owner.auth,
      });
      seen.push(...(data?.items.map((t) => t.id) ?? []));
      if (!data?.next_cursor) break;
      cursor = data.next_cursor;
    }
    expect(seen).toEqual(created);
  });

  test('default page size is 20', async () => {
    const owner = await registeredUser(app);
    for (let i = 0; i < 21; i += 1) await createTodo(owner, `t${i}`);
    const { data } = await app.client.GET('/todos', { headers: owner.auth });
    expect(data?.items).toHaveLength(20);
    expect(data?.next_cursor).toEqual(expect.any(String));
  });

  test("only the owner's todos are listed", async () => {
    await createTodo(bob, 'bob only');
    const { data } = await app.client.GET('/todos', { params: { query: { limit: 100 } }, headers: alice.auth });
    expect(data?.items.map((t) => t.title)).not.toContain('bob only');
  });

  test.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=1&limit=2'],
    ['cursor=***'],
    ['cursor=bm9wZQ'],
    ['cursor=' + 'A'.repeat(65)],
    // Past the Id range: PostgreSQL's integer column would refuse it with an error, not an empty page.
    ['cursor=' + Buffer.from('id:2147483648').toString('base64url')],
  ])('bad query %s → 400', async (query) => {
    const response = await app.raw(`/todos?${query}`, { headers: alice.auth });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { location: string }[] };
    expect(problem.errors[0]?.location).toBe('query');
  });
});

describe('getTodo / updateTodo / deleteTodo', () => {
  test("get, update and delete one's own todo", async () => {
    const { todo } = await createTodo(alice, 'Write tests');
    const params = { params: { path: { id: todo.id } }, headers: alice.auth };
    expect((await app.client.GET('/todos/{id}', params)).data).toEqual(todo);
    const updated = await app.client.PATCH('/todos/{id}', {
      ...params,
      body: { done: true, title: 'Write more tests' },
    });
    expect(updated.data).toMatchObject({ id: todo.id, done: true, title: 'Write more tests' });
    expect((await app.client.DELETE('/todos/{id}', params)).response.status).toBe(204);
    expect((await app.client.GET('/todos/{id}', params)).response.status).toBe(404);
  });

  test("another user's todo is 404 for every verb, never 403, and stays untouched", async () => {
    const { todo } = await createTodo(alice, 'private');
    const asBob = { params: { path: { id: todo.id } }, headers: bob.auth };
    expect((await app.client.GET('/todos/{id}', asBob)).response.status).toBe(404);
    expect((await app.client.PATCH('/todos/{id}', { ...asBob, body: { done: true } })).response.status).toBe(404);
    expect((await app.client.DELETE('/todos/{id}', asBob)).response.status).toBe(404);
    const mine = await app.client.GET('/todos/{id}', { params: { path: { id: todo.id } }, headers: alice.auth });
    expect(mine.data).toEqual(todo);
  });

  test('an empty update → 400', async () => {
    const { todo } = await createTodo(alice, 'x');
    const { response } = await app.client.PATCH('/todos/{id}', {
      params: { path: { id: todo.id } },
      body: {},
      headers: alice.auth,
    });
    expect(response.status).toBe(400);
  });

  test.each([['abc'], ['0'], ['-1'], ['1.5'], ['99999999999'], ['%00']])('odd path id %s → 400', async (id) => {
    const response = await app.raw(`/todos/${id}`, { headers: alice.auth });
    expect(response.status).toBe(400);
  });
});

describe('routing', () => {
  test('unknown route → 404 problem', async () => {
    const response = await fetch(`${app.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('known path, wrong method → 405 with Allow', async () => {
    const response = await fetch(`${app.url}/todos`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    const meta = await fetch(`${app.url}/healthz`, { method: 'POST' });
    expect(meta.status).toBe(405);
  });

  test('healthz and the contract are served', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const spec = (await (await fetch(`${app.url}/openapi.json`)).json()) as { openapi: string };
    expect(spec.openapi).toBe('3.1.0');
    expect(await (await fetch(`${app.url}/openapi.yaml`)).text()).toMatch(/^openapi: 3\.1\.0/);
  });
});
