import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, login, refresh, registeredAdmin, registeredUser, type TestUser, type TokenBody } from '../support/flows';

let app: TestApp;
let admin: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  admin = await registeredAdmin(app);
});
afterAll(() => app.close());

const userIdOf = async (user: TestUser): Promise<number> => {
  const { data } = await app.client.GET('/users/me', { headers: user.auth });
  if (!data) throw new Error('could not read the user');
  return data.id;
};

const patchUser = (id: number, body: { is_active?: boolean; roles?: ('user' | 'admin')[] }, auth = admin.auth) =>
  app.client.PATCH('/users/{id}', { params: { path: { id } }, body, headers: auth });

describe('admin scope', () => {
  test('an admin logging in without a scope gets users:admin', async () => {
    const response = await login(app, admin.username, admin.password);
    expect(((await response.json()) as TokenBody).scope.split(' ')).toContain('users:admin');
  });

  test('a user asking for users:admin gets invalid_scope', async () => {
    const user = await registeredUser(app);
    const response = await login(app, user.username, user.password, 'me users:admin');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  test.each([
    ['GET /users', (auth: { Authorization: string }) => app.client.GET('/users', { headers: auth })],
    ['GET /users/{id}', (auth: { Authorization: string }) => app.client.GET('/users/{id}', { params: { path: { id: 1 } }, headers: auth })],
    ['PATCH /users/{id}', (auth: { Authorization: string }) => patchUser(1, { is_active: true }, auth)],
  ])('%s: a user gets 403 insufficient_scope, no token gets 401', async (_name, call) => {
    const user = await registeredUser(app);
    const forbidden = await call(user.auth);
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error).toMatchObject({ code: 'insufficient_scope' });
    expect(forbidden.response.headers.get('www-authenticate')).toContain('scope="users:admin"');
    expect((await call({ Authorization: '' })).response.status).toBe(401);
  });

  test('an admin token narrowed to "me" cannot use the admin API', async () => {
    const narrowed = await registeredAdmin(app, 'me');
    expect((await app.client.GET('/users', { headers: narrowed.auth })).response.status).toBe(403);
  });
});

describe('listUsers', () => {
  test('pages through every user oldest first with an opaque cursor', async () => {
    for (let i = 0; i < 3; i += 1) await registeredUser(app);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const { data, response } = await app.client.GET('/users', { params: { query: { limit: 2, ...(cursor && { cursor }) } }, headers: admin.auth });
      expect(response.status).toBe(200);
      expect(data?.items.length).toBeLessThanOrEqual(2);
      seen.push(...(data?.items.map((u) => u.id) ?? []));
      cursor = data?.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  test('username_prefix filters case-insensitively, and `_` is not a wildcard', async () => {
    const stamp = `p${Date.now() % 100000}`;
    for (const name of [`${stamp}_Ann`, `${stamp}_anna`, `${stamp}xann`]) {
      await app.client.POST('/users', { body: { username: name, email: `${name}@example.com`, password: 'a long password' } });
    }
    const { data } = await app.client.GET('/users', { params: { query: { username_prefix: `${stamp.toUpperCase()}_AN` } }, headers: admin.auth });
    expect(data?.items.map((u) => u.username).sort()).toEqual([`${stamp}_Ann`, `${stamp}_anna`]);
  });

  test('a cursor the API did not issue is a 400 naming the field', async () => {
    const { response, error } = await app.client.GET('/users', { params: { query: { cursor: 'bm9wZQ' } }, headers: admin.auth });
    expect(response.status).toBe(400);
    expect(error?.errors?.[0]).toMatchObject({ location: 'query', field: 'cursor' });
  });

  test('never shows a password hash', async () => {
    const { data } = await app.client.GET('/users', { headers: admin.auth });
    expect(JSON.stringify(data)).not.toMatch(/password|\$2[aby]\$/);
  });
});

describe('getUser', () => {
  test('an existing user, and 404 for an unknown id', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    const found = await app.client.GET('/users/{id}', { params: { path: { id } }, headers: admin.auth });
    expect(found.data).toMatchObject({ id, username: user.username, is_active: true, roles: ['user'] });
    const missing = await app.client.GET('/users/{id}', { params: { path: { id: 999999 } }, headers: admin.auth });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'not_found' });
  });
});

describe('updateUser', () => {
  test('deactivation locks the user out at once: access token, refresh and login all fail', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    const { data, response } = await patchUser(id, { is_active: false });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ id, is_active: false });

    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(401);
    expect((await refresh(app, user.refreshToken)).status).toBe(400);
    expect((await login(app, user.username, user.password)).status).toBe(400);
  });

  test('reactivation lets the user log in again, but sessions ended by the deactivation stay ended', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    await patchUser(id, { is_active: false });
    expect((await patchUser(id, { is_active: true })).data).toMatchObject({ is_active: true });
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(401);
    expect((await refresh(app, user.refreshToken)).status).toBe(400);
    expect((await login(app, user.username, user.password)).status).toBe(200);
  });

  test('promotion gives users:admin on the next login; demotion takes it from tokens already issued', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    expect((await patchUser(id, { roles: ['admin'] })).data).toMatchObject({ roles: ['admin'] });
    const promoted = (await (await login(app, user.username, user.password)).json()) as TokenBody;
    expect((await app.client.GET('/users', { headers: bearer(promoted.access_token) })).response.status).toBe(200);

    expect((await patchUser(id, { roles: ['user'] })).data).toMatchObject({ roles: ['user'] });
    expect((await app.client.GET('/users', { headers: bearer(promoted.access_token) })).response.status).toBe(401);
  });

  test('a role change ends every session: after demotion and re-promotion the old admin tokens stay dead', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    await patchUser(id, { roles: ['admin'] });
    // The promotion itself ended the session the user had as a user.
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(401);
    expect((await refresh(app, user.refreshToken)).status).toBe(400);
    const asAdmin = (await (await login(app, user.username, user.password)).json()) as TokenBody;

    expect((await patchUser(id, { roles: ['user'] })).response.status).toBe(200);
    expect((await patchUser(id, { roles: ['admin'] })).response.status).toBe(200);
    expect((await app.client.GET('/users', { headers: bearer(asAdmin.access_token) })).response.status).toBe(401);
    expect((await refresh(app, asAdmin.refresh_token!)).status).toBe(400);
    expect((await login(app, user.username, user.password)).status).toBe(200);
  });

  test('sending the role a user already has changes nothing and ends no session', async () => {
    const user = await registeredUser(app);
    expect((await patchUser(await userIdOf(user), { roles: ['user'] })).response.status).toBe(200);
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(200);
    expect((await refresh(app, user.refreshToken)).status).toBe(200);
  });

  test('an admin cannot deactivate or demote themselves (409 self_lockout), and nothing changes', async () => {
    const id = await userIdOf(admin);
    for (const body of [{ is_active: false }, { roles: ['user' as const] }]) {
      const { response, error } = await patchUser(id, body);
      expect(response.status).toBe(409);
      expect(error).toMatchObject({ code: 'self_lockout' });
    }
    expect((await app.client.GET('/users/{id}', { params: { path: { id } }, headers: admin.auth })).data).toMatchObject({ is_active: true, roles: ['admin'] });
  });

  test('404 for an unknown id; 400 for an empty or unknown change', async () => {
    expect((await patchUser(999999, { is_active: false })).response.status).toBe(404);
    expect((await patchUser(1, {})).response.status).toBe(400);
    const extra = await app.raw('/users/1', { method: 'PATCH', headers: { ...admin.auth, 'content-type': 'application/json' }, body: '{"password_hash":"x"}' });
    expect(extra.status).toBe(400);
  });
});

describe('updateCurrentUser', () => {
  // The whole flow, mails included, is in tests/api/email-change.test.ts.
  test('records the address as pending; a taken one (any case) gets the same answer and changes nothing', async () => {
    const user = await registeredUser(app);
    const other = await registeredUser(app);
    const changed = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: `New.${user.email}` }, headers: user.auth });
    expect(changed.data).toMatchObject({ username: user.username, email: user.email, pending_email: `New.${user.email}` });

    const taken = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: other.email.toUpperCase() }, headers: user.auth });
    expect(taken.response.status).toBe(200);
    expect(taken.data).toMatchObject({ email: user.email, pending_email: other.email.toUpperCase() });
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.email).toBe(user.email);
  });

  test('an invalid email is a 400 naming the field', async () => {
    const user = await registeredUser(app);
    const { response, error } = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: 'not-an-email' }, headers: user.auth });
    expect(response.status).toBe(400);
    expect(error?.errors?.[0]).toMatchObject({ field: 'email' });
  });
});
