import { movableClock } from '../support/clock';
import {
  bearer,
  refresh,
  registeredAdmin,
  registeredUser,
  type OAuthErrorBody,
  type TokenBody,
} from '../support/flows';
import { startTestAppOn, type TestApp } from '../support/test-app';
import { describeOnPostgres, freshTestDatabase, type TestDatabase } from '../support/test-database';

// Several instances share one database only on PostgreSQL.
describeOnPostgres('two instances behind a load balancer on one PostgreSQL', () => {
  const GRACE = 10;
  const clock = movableClock();
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await freshTestDatabase('postgres');
    // Started together, as an orchestrator would: both run the migrations, Kysely's lock makes one wait.
    const start = () => startTestAppOn(database.url, { REFRESH_REUSE_GRACE: String(GRACE) }, clock);
    [a, b] = await Promise.all([start(), start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  const me = (app: TestApp, accessToken: string) => app.client.GET('/users/me', { headers: bearer(accessToken) });

  async function expectInvalidGrant(response: Response): Promise<void> {
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_grant');
  }

  test('an access token issued by A works on B', async () => {
    const user = await registeredUser(a);
    const { data, response } = await me(b, user.token);
    expect(response.status).toBe(200);
    expect(data?.username).toBe(user.username);
  });

  test('refresh on A, then reuse of the old token on B after the grace window: the family is revoked', async () => {
    const user = await registeredUser(a);
    const rotated = await refresh(a, user.refreshToken);
    expect(rotated.status).toBe(200);
    const successor = ((await rotated.json()) as TokenBody).refresh_token ?? '';
    clock.advance(GRACE + 1);
    await expectInvalidGrant(await refresh(b, user.refreshToken));
    await expectInvalidGrant(await refresh(a, successor));
  });

  test('the same refresh token on A and B at once: both get one and the same successor, which stays live', async () => {
    const user = await registeredUser(a);
    const responses = await Promise.all([a, b, a, b].map((app) => refresh(app, user.refreshToken)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const successors = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as TokenBody).refresh_token)),
    );
    expect(successors.size).toBe(1);
    expect((await refresh(b, [...successors][0] ?? '')).status).toBe(200);
  });

  test('deactivation on A locks the user out on B at once', async () => {
    const user = await registeredUser(a);
    const { data } = await me(b, user.token);
    expect(data?.id).toEqual(expect.any(Number));
    const admin = await registeredAdmin(a);
    const deactivated = await a.client.PATCH('/users/{id}', {
      params: { path: { id: data?.id ?? 0 } },
      body: { is_active: false },
      headers: admin.auth,
    });
    expect(deactivated.response.status).toBe(200);
    expect((await me(b, user.token)).response.status).toBe(401);
    await expectInvalidGrant(await refresh(b, user.refreshToken));
  });

  test('the same username registered on A and B at once, in any case: exactly one 201, the rest 409', async () => {
    const spellings = ['racer', 'RACER', 'Racer', 'rAcEr', 'racer', 'RaCeR', 'raceR', 'Racer'];
    const responses = await Promise.all(
      spellings.map((username, i) =>
        (i % 2 === 0 ? a : b).client.POST('/users', {
          body: { username, email: `racer${i}@example.com`, password: 'a long enough password' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(spellings.length - 1).fill(409)]);
  });
});
