import { startTestApp, type TestApp } from '../support/test-app';
import { movableClock, type MovableClock } from '../support/clock';
import { hashRefreshToken, openSuccessor } from '../../src/security/refresh-token-secrets';
import { bearer, login, refresh, registeredUser, type OAuthErrorBody, type TokenBody } from '../support/flows';

let app: TestApp;
let clock: MovableClock;
beforeAll(async () => {
  clock = movableClock();
  app = await startTestApp({ REFRESH_TOKEN_TTL: '3600', REFRESH_REUSE_GRACE: '10' }, clock);
});
afterAll(() => app.close());

const GRACE_PASSED = 11;

async function reuseCount(): Promise<number> {
  const metric = app.server.services.metrics.registry.getSingleMetric('tollgate_refresh_token_reuse_detected_total');
  return (await metric?.get())?.values[0]?.value ?? 0;
}

async function tokens(response: Response): Promise<TokenBody> {
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

async function expectInvalidGrant(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect((await response.json()) as OAuthErrorBody).toEqual({
    error: 'invalid_grant',
    error_description: 'The refresh token is invalid or expired.',
  });
}

async function me(accessToken: string): Promise<number> {
  return (await app.client.GET('/users/me', { headers: bearer(accessToken) })).response.status;
}

async function familyRows(refreshTokenUserName: string) {
  return app.server.services.db
    .selectFrom('refresh_tokens')
    .innerJoin('users', 'users.id', 'refresh_tokens.user_id')
    .select(['refresh_tokens.id', 'family_id', 'rotated_at', 'revoked_at', 'token_hash'])
    .where('users.username', '=', refreshTokenUserName)
    .orderBy('refresh_tokens.id')
    .execute();
}

describe('issueToken (grant_type=refresh_token)', () => {
  test('the database keeps only a hash of the refresh token', async () => {
    const user = await registeredUser(app);
    const rows = await familyRows(user.username);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toContain(user.refreshToken);
    expect(JSON.stringify(rows)).not.toContain(user.refreshToken);
  });

  test('rotation: new access and refresh tokens; the new access token works; the used refresh token is dead', async () => {
    const user = await registeredUser(app);
    const next = await tokens(await refresh(app, user.refreshToken));
    expect(next).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 900,
      refresh_token: expect.any(String),
      scope: 'me todos:read todos:write',
    });
    expect(next.refresh_token).not.toBe(user.refreshToken);
    expect(await me(next.access_token)).toBe(200);
    clock.advance(GRACE_PASSED);
    await expectInvalidGrant(await refresh(app, user.refreshToken));
  });

  test('a chain of rotations keeps working, one successor at a time', async () => {
    const user = await registeredUser(app);
    let current = user.refreshToken;
    for (let i = 0; i < 5; i += 1) current = (await tokens(await refresh(app, current))).refresh_token ?? '';
    const rows = await familyRows(user.username);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.family_id)).size).toBe(1);
    expect(rows.filter((r) => r.rotated_at === null && r.revoked_at === null)).toHaveLength(1);
  });

  test('scope may narrow the access token; the refresh token keeps the original grant (RFC 6749 §6)', async () => {
    const user = await registeredUser(app);
    const narrowed = await tokens(await refresh(app, user.refreshToken, 'todos:read'));
    expect(narrowed.scope).toBe('todos:read');
    expect(await me(narrowed.access_token)).toBe(403);
    const again = await tokens(await refresh(app, narrowed.refresh_token ?? ''));
    expect(again.scope).toBe('me todos:read todos:write');
  });

  test('scope may never widen → invalid_scope, and the refresh token is not used up', async () => {
    const user = await registeredUser(app, 'me');
    for (const scope of ['me todos:write', 'users:admin']) {
      const response = await refresh(app, user.refreshToken, scope);
      expect(response.status).toBe(400);
      expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_scope');
    }
    expect((await tokens(await refresh(app, user.refreshToken))).scope).toBe('me');
  });

  test('reuse after the grace window revokes the whole family, the newest token too; other devices are unaffected', async () => {
    const user = await registeredUser(app);
    const otherDevice = await tokens(await login(app, user.username, user.password));
    const successor = await tokens(await refresh(app, user.refreshToken));
    clock.advance(GRACE_PASSED);

    await expectInvalidGrant(await refresh(app, user.refreshToken));
    await expectInvalidGrant(await refresh(app, successor.refresh_token ?? ''));
    expect((await tokens(await refresh(app, otherDevice.refresh_token ?? ''))).access_token).toEqual(
      expect.any(String),
    );
  });

  test('past the grace window the sealed successor is gone: a database copy plus the old token yields no live token, and counts as reuse', async () => {
    const user = await registeredUser(app);
    const successor = await tokens(await refresh(app, user.refreshToken));
    clock.advance(GRACE_PASSED);
    // Any token request after the window (here another user's login) forgets the expired seals.
    await registeredUser(app);

    const copy = await app.server.services.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashRefreshToken(user.refreshToken))
      .executeTakeFirstOrThrow();
    const opened = copy.successor_sealed === null ? undefined : openSuccessor(user.refreshToken, copy.successor_sealed);
    expect(opened).toBeUndefined();

    const reusesBefore = await reuseCount();
    await expectInvalidGrant(await refresh(app, user.refreshToken));
    expect(await reuseCount()).toBe(reusesBefore + 1);
    await expectInvalidGrant(await refresh(app, successor.refresh_token ?? ''));
  });

  test('within the grace window the rotated token answers the same successor and a fresh access token (tabs racing)', async () => {
    const user = await registeredUser(app);
    const first = await tokens(await refresh(app, user.refreshToken));
    clock.advance(5);
    const second = await tokens(await refresh(app, user.refreshToken));
    expect(second.refresh_token).toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(await me(second.access_token)).toBe(200);
    // The family is still healthy: the shared successor rotates normally.
    expect((await tokens(await refresh(app, first.refresh_token ?? ''))).refresh_token).not.toBe(first.refresh_token);
  });

  test('once the successor has itself been rotated, the grace window no longer shields the old token', async () => {
    const user = await registeredUser(app);
    const first = await tokens(await refresh(app, user.refreshToken));
    const second = await tokens(await refresh(app, first.refresh_token ?? ''));
    await expectInvalidGrant(await refresh(app, user.refreshToken));
    await expectInvalidGrant(await refresh(app, second.refresh_token ?? ''));
  });

  test('concurrent refreshes of one token: all succeed with one and the same successor, never two live ones', async () => {
    const user = await registeredUser(app);
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(app, user.refreshToken)));
    const bodies = await Promise.all(responses.map(tokens));
    expect(new Set(bodies.map((b) => b.refresh_token)).size).toBe(1);
    const live = (await familyRows(user.username)).filter((r) => r.rotated_at === null && r.revoked_at === null);
    expect(live).toHaveLength(1);
  });

  test('an expired refresh token → invalid_grant', async () => {
    const user = await registeredUser(app);
    clock.advance(3601);
    await expectInvalidGrant(await refresh(app, user.refreshToken));
  });

  test('a rotated token keeps the family alive for TTL from the last rotation', async () => {
    const user = await registeredUser(app);
    clock.advance(3000);
    const next = await tokens(await refresh(app, user.refreshToken));
    clock.advance(3000);
    expect((await tokens(await refresh(app, next.refresh_token ?? ''))).access_token).toEqual(expect.any(String));
  });

  test('an unknown refresh token → invalid_grant', async () => {
    await expectInvalidGrant(await refresh(app, 'A'.repeat(43)));
  });

  test('an inactive user cannot refresh', async () => {
    const user = await registeredUser(app);
    await app.server.services.db
      .updateTable('users')
      .set({ is_active: 0 })
      .where('username', '=', user.username)
      .execute();
    await expectInvalidGrant(await refresh(app, user.refreshToken));
  });

  test('a role that lost a scope loses it on refresh too', async () => {
    const user = await registeredUser(app);
    await app.server.services.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('username', '=', user.username)
      .execute();
    const admin = await tokens(await login(app, user.username, user.password));
    expect(admin.scope).toContain('users:admin');
    await app.server.services.db
      .updateTable('users')
      .set({ role: 'user' })
      .where('username', '=', user.username)
      .execute();
    expect((await tokens(await refresh(app, admin.refresh_token ?? ''))).scope).toBe('me todos:read todos:write');
  });
});

describe('issueToken (grant_type=refresh_token) without a grace window', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ REFRESH_REUSE_GRACE: '0' }, movableClock());
  });
  afterAll(() => strict.close());

  test('concurrent refreshes: exactly one wins, the rest are refused as reuse, never a 5xx', async () => {
    const user = await registeredUser(strict);
    const responses = await Promise.all(Array.from({ length: 8 }, () => refresh(strict, user.refreshToken)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(7).fill(400)]);
    const live = await strict.server.services.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live.length).toBeLessThanOrEqual(1);
  });
});

describe('sealed successors on a quiet server', () => {
  let quiet: TestApp;
  let quietClock: MovableClock;
  beforeAll(async () => {
    quietClock = movableClock();
    // A one-second window: the sweep runs every second.
    quiet = await startTestApp({ REFRESH_TOKEN_TTL: '3600', REFRESH_REUSE_GRACE: '1' }, quietClock);
  });
  afterAll(() => quiet.close());

  async function sealOf(refreshToken: string): Promise<string | null> {
    const row = await quiet.server.services.db
      .selectFrom('refresh_tokens')
      .select('successor_sealed')
      .where('token_hash', '=', hashRefreshToken(refreshToken))
      .executeTakeFirstOrThrow();
    return row.successor_sealed;
  }

  test('are swept once the window is over, with no token request to trigger it: a later database copy holds none', async () => {
    const user = await registeredUser(quiet);
    expect((await refresh(quiet, user.refreshToken)).status).toBe(200);
    expect(await sealOf(user.refreshToken)).not.toBeNull();
    quietClock.advance(2);
    // No request reaches the server from here on; only the timer can clear the seal.
    let seal = await sealOf(user.refreshToken);
    for (let waited = 0; seal !== null && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seal = await sealOf(user.refreshToken);
    }
    expect(seal).toBeNull();
  });
});
