import { startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  login,
  refresh,
  registeredAdmin,
  registeredUser,
  type TestUser,
  type TokenBody,
} from '../support/flows';

// Real logins racing a real invalidation: several hashing threads so logins are in flight while it
// commits, and no login limit in the way (every login in flight counts until it succeeds).
let app: TestApp;
let admin: TestUser;
beforeAll(async () => {
  app = await startTestApp({
    PASSWORD_THREADS: '3',
    BCRYPT_COST: '6',
    LOGIN_MAX_FAILURES: '1000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
  });
  admin = await registeredAdmin(app);
});
afterAll(() => app.close());

const CONCURRENT_LOGINS = 6;

type Phase = 'before' | 'during' | 'after';

interface Login {
  /** Sent before the invalidation was sent, while it ran, or after its answer. */
  sentIn: Phase;
  status: number;
  tokens?: TokenBody;
}

/**
 * Logs `user` in from CONCURRENT_LOGINS loops; once every loop has had an answer, runs
 * `invalidate`, and keeps logging in until each loop gets an answer sent after it finished.
 */
async function loginsRacing(
  user: TestUser,
  invalidate: () => Promise<number>,
): Promise<{ logins: Login[]; invalidation: number }> {
  const logins: Login[] = [];
  let phase: Phase = 'before';
  let answered = 0;
  let startInvalidation!: () => void;
  const everyLoopAnswered = new Promise<void>((resolve) => (startInvalidation = resolve));
  const loop = async () => {
    let first = true;
    for (;;) {
      const sentIn = phase;
      const response = await login(app, user.username, user.password);
      logins.push({
        sentIn,
        status: response.status,
        ...(response.status === 200 && { tokens: (await response.json()) as TokenBody }),
      });
      if (first && ++answered === CONCURRENT_LOGINS) startInvalidation();
      first = false;
      if (sentIn === 'after') return;
    }
  };
  const loops = Array.from({ length: CONCURRENT_LOGINS }, loop);
  await everyLoopAnswered;
  phase = 'during';
  const invalidation = await invalidate();
  phase = 'after';
  await Promise.all(loops);
  return { logins, invalidation };
}

/** Every session these logins got is over: no refresh, no access. */
async function expectAllDead(logins: Login[], phases: Phase[]): Promise<void> {
  const granted = logins.filter((l) => phases.includes(l.sentIn) && l.tokens);
  expect(granted.length).toBeGreaterThanOrEqual(CONCURRENT_LOGINS);
  const refreshes = await Promise.all(granted.map((l) => refresh(app, l.tokens!.refresh_token!)));
  const accesses = await Promise.all(
    granted.map((l) => app.raw('/users/me', { headers: bearer(l.tokens!.access_token) })),
  );
  expect(refreshes.map((r) => r.status).filter((s) => s !== 400)).toEqual([]);
  expect(accesses.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
}

const versionOf = (accessToken: string): number =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { ver: number }).ver;

const userIdOf = async (user: TestUser): Promise<number> => {
  const { data } = await app.client.GET('/users/me', { headers: user.auth });
  if (!data) throw new Error('could not read the user');
  return data.id;
};

describe('issueToken racing an invalidation', () => {
  test('logins with the old password in flight during PUT /users/me/password get no working session', async () => {
    const user = await registeredUser(app);
    const { logins, invalidation } = await loginsRacing(user, async () => {
      const { response } = await app.client.PUT('/users/me/password', {
        headers: user.auth,
        body: { current_password: user.password, new_password: 'a completely new password' },
      });
      return response.status;
    });
    expect(invalidation).toBe(204);
    await expectAllDead(logins, ['before', 'during']);
    expect(logins.filter((l) => l.sentIn === 'after').map((l) => l.status)).toEqual(Array(CONCURRENT_LOGINS).fill(400));
  });

  test('logins in flight during a deactivation do not come back to life on reactivation', async () => {
    const user = await registeredUser(app);
    const id = await userIdOf(user);
    const patch = async (is_active: boolean) =>
      (await app.client.PATCH('/users/{id}', { params: { path: { id } }, body: { is_active }, headers: admin.auth }))
        .response.status;
    const { logins, invalidation } = await loginsRacing(user, () => patch(false));
    expect(invalidation).toBe(200);
    expect(await patch(true)).toBe(200);
    await expectAllDead(logins, ['before', 'during', 'after']);
  });

  test('logins checked before a logout everywhere get no session that outlives it', async () => {
    const user = await registeredUser(app);
    const { logins, invalidation } = await loginsRacing(
      user,
      async () => (await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status,
    );
    expect(invalidation).toBe(204);
    // The password still works, so a login that reached the database after the logout is a new session: the
    // token version it was issued under (the access token's `ver`) tells which side of the logout it was checked on.
    const checkedBefore = logins.filter((l) => l.tokens && versionOf(l.tokens.access_token) === 0);
    await expectAllDead(checkedBefore, ['before', 'during', 'after']);
    const after = logins.find((l) => l.sentIn === 'after' && l.tokens);
    expect(versionOf(after!.tokens!.access_token)).toBe(1);
    expect((await refresh(app, after!.tokens!.refresh_token!)).status).toBe(200);
  });
});

describe("refresh of a family older than the user's token version", () => {
  test('is refused even if its row escaped revocation', async () => {
    const user = await registeredUser(app);
    expect((await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status).toBe(204);
    // A row the revocation missed (a restore, a race): the version it was started under still ends it.
    await app.server.services.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: null })
      .where('user_id', '=', await userIdByName(user))
      .execute();
    const response = await refresh(app, user.refreshToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

const userIdByName = async (user: TestUser): Promise<number> => {
  const row = await app.server.services.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', user.username)
    .executeTakeFirstOrThrow();
  return row.id;
};
