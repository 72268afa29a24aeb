import { movableClock } from '../support/clock';
import { registeredUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

const MAX = 3;
const WINDOW = 600;

/** PATCH /users/me from a client IP our proxy names in X-Forwarded-For (TRUST_PROXY=true). */
function changeEmail(app: TestApp, auth: Record<string, string>, email: string, ip: string) {
  return app.client.PATCH('/users/me', { body: { email }, headers: { ...auth, 'X-Forwarded-For': ip } });
}

describe('updateCurrentUser: email changes are throttled like registrations (a 409 tells whether an address is taken)', () => {
  const clock = movableClock();
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ REGISTRATION_MAX_PER_IP: String(MAX), REGISTRATION_WINDOW: String(WINDOW), TRUST_PROXY: 'true' }, clock);
  });
  afterAll(() => app.close());

  test(`past ${MAX} attempts from one IP → 429 too_many_requests with Retry-After, the address not even looked at`, async () => {
    const attacker = await registeredUser(app);
    const victim = await registeredUser(app);
    for (let attempt = 1; attempt <= MAX; attempt += 1) {
      expect((await changeEmail(app, attacker.auth, victim.email, '203.0.113.7')).error?.code).toBe('user_exists');
    }
    const { response, error } = await changeEmail(app, attacker.auth, victim.email, '203.0.113.7');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe(String(WINDOW));
    expect(error?.code).toBe('too_many_requests');
    // A free address is refused too: the answer no longer depends on the address.
    expect((await changeEmail(app, attacker.auth, 'free@example.com', '203.0.113.7')).response.status).toBe(429);
    // Registration shares the per-IP budget: switching endpoints gains nothing.
    const registration = await app.client.POST('/users', { body: { username: 'newcomer', email: 'n@example.com', password: 'long enough' }, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(registration.response.status).toBe(429);

    clock.advance(WINDOW);
    expect((await changeEmail(app, attacker.auth, 'free@example.com', '203.0.113.7')).response.status).toBe(200);
  });

  test(`one account is limited to ${MAX} attempts wherever it calls from`, async () => {
    const attacker = await registeredUser(app);
    const victim = await registeredUser(app);
    for (let attempt = 1; attempt <= MAX; attempt += 1) {
      expect((await changeEmail(app, attacker.auth, victim.email, `198.51.100.${attempt}`)).response.status).toBe(409);
    }
    const { response } = await changeEmail(app, attacker.auth, victim.email, '198.51.100.99');
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
