import { movableClock, type MovableClock } from '../support/clock';
import { registeredUser, tokenRequest, type OAuthErrorBody, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

const THROTTLED: OAuthErrorBody = {
  error: 'temporarily_unavailable',
  error_description: 'Too many failed login attempts. Try again later.',
};

let app: TestApp;
let clock: MovableClock;
beforeAll(async () => {
  clock = movableClock();
  app = await startTestApp({}, clock);
});
afterAll(() => app.close());

function attempt(
  target: TestApp,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = tokenRequest({ grant_type: 'password', username, password });
  return target.raw('/token', { ...request, headers: { ...(request.headers as Record<string, string>), ...headers } });
}

async function failTimes(
  target: TestApp,
  times: number,
  username: string,
  headers?: Record<string, string>,
): Promise<void> {
  for (let i = 0; i < times; i += 1)
    expect((await attempt(target, username, `wrong password ${i}`, headers)).status).toBe(400);
}

async function lockedOut(): Promise<TestUser> {
  const user = await registeredUser(app);
  await failTimes(app, 5, user.username);
  return user;
}

describe('issueToken: brute-force throttling (RFC 6749 §4.3.2)', () => {
  test('the 6th wrong password within the window → 429 with Retry-After, no-store, an RFC 6749 body', async () => {
    const user = await lockedOut();
    const response = await attempt(app, user.username, 'wrong once more');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('900');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(THROTTLED);
  });

  test('the right password during the lockout gets the same 429, and the password is not even checked', async () => {
    const user = await lockedOut();
    const verify = jest.spyOn(app.server.services.passwords, 'verify');
    const right = await attempt(app, user.username, user.password);
    const wrong = await attempt(app, user.username, 'still wrong');
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
    expect([right.status, await right.json()]).toEqual([429, THROTTLED]);
    expect([wrong.status, await wrong.json()]).toEqual([429, THROTTLED]);
  });

  test('the window slides: Retry-After counts down, and once the oldest failure leaves, one attempt is allowed', async () => {
    const user = await registeredUser(app);
    await failTimes(app, 1, user.username);
    clock.advance(300);
    await failTimes(app, 4, user.username);
    expect((await attempt(app, user.username, user.password)).headers.get('retry-after')).toBe('600');
    clock.advance(600);
    expect((await attempt(app, user.username, user.password)).status).toBe(200);
  });

  test('hammering during a lockout does not prolong it', async () => {
    const user = await lockedOut();
    for (let i = 0; i < 3; i += 1) {
      clock.advance(299);
      expect((await attempt(app, user.username, 'wrong')).status).toBe(429);
    }
    clock.advance(3);
    expect((await attempt(app, user.username, user.password)).status).toBe(200);
  });

  test('a successful login resets the username+IP count', async () => {
    const user = await registeredUser(app);
    await failTimes(app, 4, user.username);
    expect((await attempt(app, user.username, user.password)).status).toBe(200);
    await failTimes(app, 5, user.username);
    expect((await attempt(app, user.username, 'wrong')).status).toBe(429);
  });

  test('usernames are counted case-insensitively, like they are stored', async () => {
    const user = await registeredUser(app);
    await failTimes(app, 5, user.username.toUpperCase());
    expect((await attempt(app, user.username, user.password)).status).toBe(429);
  });

  test('an unknown username is throttled the same way, so a 429 does not reveal who exists', async () => {
    await failTimes(app, 5, 'nobody_by_this_name');
    const response = await attempt(app, 'nobody_by_this_name', 'anything');
    expect([response.status, await response.json()]).toEqual([429, THROTTLED]);
  });

  test('concurrent wrong passwords never get more than the limit checked', async () => {
    const user = await registeredUser(app);
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(app, user.username, `parallel guess ${i}`)),
    );
    const checked = burst.filter((r) => r.status === 400).length;
    expect(burst.filter((r) => r.status !== 400).every((r) => r.status === 429)).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
    // Whatever the burst left, the total of checked wrong passwords is exactly the limit.
    await failTimes(app, 5 - checked, user.username);
    expect((await attempt(app, user.username, 'and one more')).status).toBe(429);
  });

  test('the table keeps neither usernames nor addresses, and expired events are pruned', async () => {
    const user = await lockedOut();
    const { db } = app.server.services;
    const keys = (await db.selectFrom('throttle_events').select('key').execute()).map((row) => row.key).join(' ');
    expect(keys).not.toContain(user.username);
    expect(keys).not.toContain('127.0.0.1');
    clock.advance(900);
    const expired = () =>
      db.selectFrom('throttle_events').select('id').where('expires_at', '<=', clock.now().toISOString()).execute();
    expect((await expired()).length).toBeGreaterThanOrEqual(5);
    await attempt(app, 'anyone', 'anything');
    expect(await expired()).toEqual([]);
  });
});

describe('issueToken: limits per client IP', () => {
  test('past LOGIN_MAX_FAILURES_PER_IP failures from one IP, any username → 429', async () => {
    const perIp = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '3' });
    for (const name of ['ann', 'ben', 'cat']) await failTimes(perIp, 1, name);
    expect((await attempt(perIp, 'dan', 'whatever')).status).toBe(429);
    await perIp.close();
  });

  test('X-Forwarded-For is ignored by default: it cannot dodge the limit', async () => {
    const user = await registeredUser(app);
    for (let i = 1; i <= 5; i += 1) await failTimes(app, 1, user.username, { 'X-Forwarded-For': `203.0.113.${i}` });
    expect((await attempt(app, user.username, 'wrong', { 'X-Forwarded-For': '203.0.113.99' })).status).toBe(429);
  });

  test('with TRUST_PROXY=true the last X-Forwarded-For entry is the client IP', async () => {
    const proxied = await startTestApp({ TRUST_PROXY: 'true' });
    const user = await registeredUser(proxied);
    // The entries before the last are whatever the client sent: they do not change who is counted.
    for (let i = 1; i <= 5; i += 1)
      await failTimes(proxied, 1, user.username, { 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.7` });
    expect((await attempt(proxied, user.username, user.password, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(
      429,
    );
    expect((await attempt(proxied, user.username, user.password, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(
      200,
    );
    await proxied.close();
  });
});

describe('issueToken: one counter per client, however its address is spelled', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => proxied.close());
  const from = (address: string) => ({ 'X-Forwarded-For': address });

  test('5 failures from 1.2.3.4 throttle the IPv4-mapped spellings of 1.2.3.4 too', async () => {
    const user = await registeredUser(proxied);
    await failTimes(proxied, 5, user.username, from('1.2.3.4'));
    for (const spelling of ['::ffff:1.2.3.4', '::ffff:0102:0304', '0:0:0:0:0:ffff:1.2.3.4', '::FFFF:1.2.3.4']) {
      expect([spelling, (await attempt(proxied, user.username, user.password, from(spelling))).status]).toEqual([
        spelling,
        429,
      ]);
    }
    expect((await attempt(proxied, user.username, user.password, from('1.2.3.5'))).status).toBe(200);
  });

  test('IPv6 is counted per /64, in any spelling: one /64 shares a counter, another /64 does not', async () => {
    const user = await registeredUser(proxied);
    for (let i = 1; i <= 5; i += 1) await failTimes(proxied, 1, user.username, from(`2001:db8:aa:1::${i}`));
    for (const neighbour of ['2001:db8:aa:1:ffff:ffff:ffff:ffff', '2001:0DB8:00AA:0001:0:0:0:9']) {
      expect([neighbour, (await attempt(proxied, user.username, user.password, from(neighbour))).status]).toEqual([
        neighbour,
        429,
      ]);
    }
    expect((await attempt(proxied, user.username, user.password, from('2001:db8:aa:2::1'))).status).toBe(200);
  });
});
