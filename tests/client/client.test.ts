import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createClient, type TollgateClient } from '../../src/client';
import { movableClock, type MovableClock } from '../support/clock';
import { refresh, registeredUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let clock: MovableClock;

beforeAll(async () => {
  clock = movableClock();
  app = await startTestApp({ ACCESS_TOKEN_TTL: '60' }, clock);
});
afterAll(() => app.close());

/** A client whose fetch records each request as "METHOD /path grant_type?". */
function recordingClient(): { client: TollgateClient; calls: string[] } {
  const calls: string[] = [];
  const client = createClient({
    baseUrl: app.url,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const grant =
        request.method === 'POST' ? new URLSearchParams(await request.clone().text()).get('grant_type') : null;
      calls.push(`${request.method} ${new URL(request.url).pathname}${grant ? ` ${grant}` : ''}`);
      return fetch(request);
    },
  });
  return { client, calls };
}

describe('createClient', () => {
  test('login holds the tokens and sends the access token on every call', async () => {
    const user = await registeredUser(app);
    const { client } = recordingClient();
    const login = await client.login(user.username, user.password);
    expect(login.data?.token_type).toBe('bearer');
    expect(client.isLoggedIn()).toBe(true);
    const me = await client.GET('/users/me');
    expect(me.data?.username).toBe(user.username);
  });

  test('a failed login is a typed error value and holds nothing', async () => {
    const user = await registeredUser(app);
    const { client } = recordingClient();
    const { data, error, response } = await client.login(user.username, 'not-the-password');
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect(client.isLoggedIn()).toBe(false);
  });

  test('an expired access token is refreshed once and the call retried', async () => {
    const user = await registeredUser(app);
    const { client, calls } = recordingClient();
    const { data: tokens } = await client.login(user.username, user.password);
    clock.advance(61);
    calls.length = 0;
    const me = await client.GET('/users/me');
    expect(me.response.status).toBe(200);
    expect(calls).toEqual(['GET /users/me', 'POST /token refresh_token', 'GET /users/me']);
    // Rotation: the client now holds the successor, so the first refresh token is spent.
    clock.advance(60);
    expect((await refresh(app, tokens?.refresh_token ?? '')).status).toBe(400);
  });

  test('concurrent callers that all hit an expired token share one refresh', async () => {
    const user = await registeredUser(app);
    const { client, calls } = recordingClient();
    await client.login(user.username, user.password);
    clock.advance(61);
    calls.length = 0;
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => client.GET('/todos')));
    expect(answers.map((answer) => answer.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(calls.filter((call) => call === 'POST /token refresh_token')).toHaveLength(1);
  });

  test('a 401 without a refresh token is returned as is, without a retry', async () => {
    const { client, calls } = recordingClient();
    const { error, response } = await client.GET('/users/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'missing_token' });
    expect(calls).toEqual(['GET /users/me']);
  });

  test('when the refresh fails, the 401 is returned and the session forgotten', async () => {
    const user = await registeredUser(app);
    const { client } = recordingClient();
    const { data: tokens } = await client.login(user.username, user.password);
    await app.raw('/token/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${tokens?.refresh_token}`,
    });
    clock.advance(61);
    const me = await client.GET('/users/me');
    expect(me.response.status).toBe(401);
    expect(client.isLoggedIn()).toBe(false);
  });

  test("introspection is the client's own call: the held bearer is not sent, and its 401 refreshes nothing", async () => {
    const user = await registeredUser(app);
    const { client, calls } = recordingClient();
    await client.login(user.username, user.password);
    calls.length = 0;
    const { error, response } = await client.POST('/token/introspect', {
      body: { token: user.token, client_id: 'nosuchclient', client_secret: 'wrong' },
      bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(calls).toEqual(['POST /token/introspect']);
    expect(client.isLoggedIn()).toBe(true);
  });

  test('logout revokes the refresh token and forgets both tokens', async () => {
    const user = await registeredUser(app);
    const { client, calls } = recordingClient();
    const { data: tokens } = await client.login(user.username, user.password);
    await client.logout();
    expect(calls.at(-1)).toBe('POST /token/revoke');
    expect(client.isLoggedIn()).toBe(false);
    expect((await client.GET('/users/me')).response.status).toBe(401);
    expect((await refresh(app, tokens?.refresh_token ?? '')).status).toBe(400);
  });

  test('the package exports it as tollgate/client (built, CommonJS)', () => {
    const root = path.resolve(__dirname, '../..');
    const out = execFileSync(
      process.execPath,
      ['-e', "process.stdout.write(typeof require('tollgate/client').createClient)"],
      { cwd: root },
    );
    expect(out.toString()).toBe('function');
  });
});
