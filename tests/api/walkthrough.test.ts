import { tokenRequest } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const alice = { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' };

const form = tokenRequest;

describe("the origin tutorials' three scenarios", () => {
  let token: string;

  test('register, log in and reach a protected route', async () => {
    const created = await app.client.POST('/users', { body: alice });
    expect(created.response.status).toBe(201);
    const login = await app.raw(
      '/token',
      form({ grant_type: 'password', username: 'alice', password: alice.password }),
    );
    expect(login.status).toBe(200);
    const body = (await login.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('bearer');
    token = body.access_token;
    const me = await app.client.GET('/users/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(me.data?.username).toBe('alice');
  });

  test('a wrong password gets invalid_grant', async () => {
    const login = await app.raw(
      '/token',
      form({ grant_type: 'password', username: 'alice', password: 'not the password' }),
    );
    expect(login.status).toBe(400);
    expect(await login.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  test('no token gets 401 with a bare Bearer challenge', async () => {
    const me = await app.client.GET('/users/me');
    expect(me.response.status).toBe(401);
    expect(me.response.headers.get('www-authenticate')).toBe('Bearer realm="tollgate"');
  });
});
