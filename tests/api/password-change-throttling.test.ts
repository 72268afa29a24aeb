import { movableClock, type MovableClock } from '../support/clock';
import { bearer, login, registeredUser, type TestUser, type TokenBody } from '../support/flows';
import { comparisonsDuring } from '../support/password-work';
import { startTestApp, type TestApp } from '../support/test-app';

// Defaults: LOGIN_MAX_FAILURES=5 per username and IP within LOGIN_FAILURE_WINDOW=900 s.
let app: TestApp;
let clock: MovableClock;
beforeAll(async () => {
  clock = movableClock();
  app = await startTestApp({}, clock);
});
afterAll(() => app.close());

const change = (user: TestUser, current_password: string) =>
  app.client.PUT('/users/me/password', {
    headers: user.auth,
    body: { current_password, new_password: 'the attacker wants this one' },
  });

describe('changePassword: wrong current passwords count as failed logins', () => {
  test('after 5 wrong guesses → 429 with Retry-After, and the right one is refused without being checked', async () => {
    const user = await registeredUser(app);
    for (let i = 0; i < 5; i += 1) expect((await change(user, `guess number ${i}`)).response.status).toBe(400);

    const throttled = await change(user, 'guess number 5');
    expect(throttled.response.status).toBe(429);
    expect(Number(throttled.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.error).toMatchObject({ code: 'too_many_requests', status: 429 });

    let right: Awaited<ReturnType<typeof change>> | undefined;
    expect(await comparisonsDuring(app, async () => (right = await change(user, user.password)))).toEqual({});
    expect(right?.response.status).toBe(429);
    // /token shares the count for this user from this IP.
    expect((await login(app, user.username, user.password)).status).toBe(429);

    // Past the window the right password works again (with a fresh access token: the first one expired meanwhile).
    clock.advance(901);
    const fresh = (await (await login(app, user.username, user.password)).json()) as TokenBody;
    expect((await change({ ...user, auth: bearer(fresh.access_token) }, user.password)).response.status).toBe(204);
  });

  test('failed logins at /token count toward the same limit', async () => {
    const user = await registeredUser(app);
    for (let i = 0; i < 4; i += 1) expect((await login(app, user.username, `wrong ${i}`)).status).toBe(400);
    expect((await change(user, 'one more guess')).response.status).toBe(400);
    expect((await change(user, user.password)).response.status).toBe(429);
  });

  test('the right current password clears the count, like a successful login', async () => {
    const user = await registeredUser(app);
    for (let i = 0; i < 4; i += 1) expect((await change(user, `guess number ${i}`)).response.status).toBe(400);
    const changed = await change(user, user.password);
    expect(changed.response.status).toBe(204);
    for (let i = 0; i < 5; i += 1) expect((await login(app, user.username, `wrong ${i}`)).status).toBe(400);
  });
});
