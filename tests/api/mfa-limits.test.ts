import { PRODUCTION_MAIL } from '../support/mail-env';
import { startTestApp, type TestApp } from '../support/test-app';
import { registeredAdmin, registeredUser, type OAuthErrorBody, type TokenBody } from '../support/flows';
import { movableClock } from '../support/clock';
import { codeNow, enrol, otpGrant, passwordStep } from '../support/mfa';

const clock = movableClock();
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

describe('wrong codes count like failed logins', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ LOGIN_MAX_FAILURES: '3' }, clock);
  });
  afterAll(() => app.close());

  test('past LOGIN_MAX_FAILURES wrong codes for the user from this IP → 429 with Retry-After, even with a fresh mfa_token and the right code', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    for (let i = 0; i < 3; i += 1) expect((await otpGrant(app, await passwordStep(app, user), wrongCode(codeNow(secret, clock)))).status).toBe(400);
    // The right password does not clear the count of wrong codes.
    const throttled = await otpGrant(app, await passwordStep(app, user), codeNow(secret, clock));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled.json()) as OAuthErrorBody).error).toBe('temporarily_unavailable');
    clock.advance(901);
    expect((await otpGrant(app, await passwordStep(app, user), codeNow(secret, clock))).status).toBe(200);
  });

  test('the enrolment operations share the count: 429 too_many_requests', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    for (let i = 0; i < 3; i += 1) expect((await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code: wrongCode(codeNow(secret, clock)) } })).response.status).toBe(400);
    const { response, error } = await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code: codeNow(secret, clock) } });
    expect(response.status).toBe(429);
    expect(error?.code).toBe('too_many_requests');
  });
});

describe('MFA_REQUIRED_FOR_ADMIN=true', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MFA_REQUIRED_FOR_ADMIN: 'true' }, clock);
  });
  afterAll(() => app.close());

  test('admin operations need a login with a second factor (403 insufficient_authentication); the admin can still enrol', async () => {
    const admin = await registeredAdmin(app);
    const refused = await app.client.GET('/users', { headers: admin.auth });
    expect(refused.response.status).toBe(403);
    expect(refused.error?.code).toBe('insufficient_authentication');
    expect(refused.response.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
    // Operations without users:admin are not affected, so the admin enrols with the password-only token.
    const { secret } = await enrol(app, admin, clock);
    const tokens = (await (await otpGrant(app, await passwordStep(app, admin), codeNow(secret, clock))).json()) as TokenBody;
    expect((await app.client.GET('/users', { headers: { Authorization: `Bearer ${tokens.access_token}` } })).response.status).toBe(200);
  });
});

describe('production without MFA_ENCRYPTION_KEY', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', ...PRODUCTION_MAIL }, clock);
  });
  afterAll(() => app.close());

  test('enrolment → 503 mfa_unavailable; nothing is stored', async () => {
    const user = await registeredUser(app);
    const { response, error } = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    expect(response.status).toBe(503);
    expect(error?.code).toBe('mfa_unavailable');
    expect(await app.server.services.db.selectFrom('mfa_totp').select('user_id').execute()).toEqual([]);
  });
});
