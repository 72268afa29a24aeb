import { movableClock } from '../support/clock';
import { login, registeredUser, type OAuthErrorBody } from '../support/flows';
import { codeNow } from '../support/mfa';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21 item 1: a bare access token (stolen from a log, a page, a proxy) must not move the
 * account's email or enrol an authenticator. Each attack is the real request with only the token.
 */
const clock = movableClock();
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES: '3' }, clock);
});
afterAll(() => app?.close());

const me = async (auth: { Authorization: string }) => (await app.client.GET('/users/me', { headers: auth })).data;

describe('updateCurrentUser', () => {
  test('a new address with only the access token → 403 reauthentication_required; nothing is pending', async () => {
    const user = await registeredUser(app);
    const { response, error } = await app.client.PATCH('/users/me', { body: { email: `attacker_${user.email}` }, headers: user.auth });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: 'reauthentication_required', errors: [{ location: 'body', field: 'current_password' }] });
    expect((await me(user.auth))?.pending_email).toBeNull();
  });

  test('a wrong current_password → 403 invalid_credentials; the right one → 200 with the address pending', async () => {
    const user = await registeredUser(app);
    const email = `moved_${user.email}`;
    const wrong = await app.client.PATCH('/users/me', { body: { email, current_password: 'not the password' }, headers: user.auth });
    expect(wrong.response.status).toBe(403);
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect((await me(user.auth))?.pending_email).toBeNull();
    const right = await app.client.PATCH('/users/me', { body: { email, current_password: user.password }, headers: user.auth });
    expect(right.response.status).toBe(200);
    expect(right.data?.pending_email).toBe(email);
  });

  test('sending the current address again (it only cancels a pending change) needs no password', async () => {
    const user = await registeredUser(app);
    await app.client.PATCH('/users/me', { body: { email: `moved_${user.email}`, current_password: user.password }, headers: user.auth });
    const same = await app.client.PATCH('/users/me', { body: { email: user.email.toUpperCase() }, headers: user.auth });
    expect(same.response.status).toBe(200);
    expect(same.data?.pending_email).toBeNull();
  });

  test('wrong passwords count as failed logins: past LOGIN_MAX_FAILURES → 429 with Retry-After, here and at /token', async () => {
    const user = await registeredUser(app);
    const email = `moved_${user.email}`;
    for (let i = 0; i < 3; i += 1) {
      expect((await app.client.PATCH('/users/me', { body: { email, current_password: `wrong password ${i}` }, headers: user.auth })).response.status).toBe(403);
    }
    const throttled = await app.client.PATCH('/users/me', { body: { email, current_password: user.password }, headers: user.auth });
    expect(throttled.response.status).toBe(429);
    expect(Number(throttled.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.error?.code).toBe('too_many_requests');
    const token = await login(app, user.username, user.password);
    expect(token.status).toBe(429);
    expect(((await token.json()) as OAuthErrorBody).error).toBe('temporarily_unavailable');
    clock.advance(901);
  });
});

describe('startTotpEnrolment and confirmTotpEnrolment', () => {
  test('only the access token: no body, or no current_password → 403 reauthentication_required; no enrolment starts', async () => {
    const user = await registeredUser(app);
    const bare = await app.client.POST('/users/me/mfa/totp', { headers: user.auth });
    expect(bare.response.status).toBe(403);
    expect(bare.error?.code).toBe('reauthentication_required');
    const empty = await app.client.POST('/users/me/mfa/totp', { body: {}, headers: user.auth });
    expect(empty.error?.code).toBe('reauthentication_required');
    // Nothing pending: a confirmation has nothing to confirm.
    const confirm = await app.client.POST('/users/me/mfa/totp/confirm', { body: { code: '123456', current_password: user.password }, headers: user.auth });
    expect(confirm.response.status).toBe(409);
  });

  test('a wrong current_password → 403 invalid_credentials', async () => {
    const user = await registeredUser(app);
    const { response, error } = await app.client.POST('/users/me/mfa/totp', { body: { current_password: 'not the password' }, headers: user.auth });
    expect(response.status).toBe(403);
    expect(error?.code).toBe('invalid_credentials');
  });

  test('confirming with only the token and a right code → 403; the second factor stays off', async () => {
    const user = await registeredUser(app);
    const started = await app.client.POST('/users/me/mfa/totp', { body: { current_password: user.password }, headers: user.auth });
    expect(started.response.status).toBe(201);
    const code = codeNow(started.data?.secret ?? '', clock);
    const bare = await app.client.POST('/users/me/mfa/totp/confirm', { body: { code }, headers: user.auth });
    expect(bare.response.status).toBe(403);
    expect(bare.error?.code).toBe('reauthentication_required');
    const wrong = await app.client.POST('/users/me/mfa/totp/confirm', { body: { code, current_password: 'not the password' }, headers: user.auth });
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect((await me(user.auth))?.mfa_enabled).toBe(false);
    const right = await app.client.POST('/users/me/mfa/totp/confirm', { body: { code, current_password: user.password }, headers: user.auth });
    expect(right.response.status).toBe(200);
    expect(right.data?.recovery_codes).toHaveLength(10);
  });

  test('wrong passwords at the enrolment count as failed logins: 429 with Retry-After', async () => {
    const user = await registeredUser(app);
    for (let i = 0; i < 3; i += 1) {
      expect((await app.client.POST('/users/me/mfa/totp', { body: { current_password: `wrong password ${i}` }, headers: user.auth })).response.status).toBe(403);
    }
    const throttled = await app.client.POST('/users/me/mfa/totp', { body: { current_password: user.password }, headers: user.auth });
    expect(throttled.response.status).toBe(429);
    expect(Number(throttled.response.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(901);
  });
});
