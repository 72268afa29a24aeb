import { movableClock } from '../support/clock';
import { bearer, login, registeredUser } from '../support/flows';
import { captureLogs } from '../support/log-capture';
import { startTestSmtp, tokenIn, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();
const logs = captureLogs();

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', TRUST_PROXY: 'true' }, clock, logs);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let ip = 0;
/** Each test counts against the mail limits from an address of its own. */
const fromNewIp = () => ({ 'x-forwarded-for': `198.51.100.${(ip += 1)}` });
const requestReset = (email: string, headers = fromNewIp()) => app.client.POST('/password-reset', { body: { email }, headers });
const confirm = (token: string, new_password: string) => app.client.POST('/password-reset/confirm', { body: { token, new_password } });

async function resetToken(email: string): Promise<string> {
  const before = smtp.received.length;
  expect((await requestReset(email)).response.status).toBe(202);
  const mail = await waitForNew(email, before);
  return tokenIn(mail);
}

async function waitForNew(email: string, after: number) {
  for (;;) {
    const mail = smtp.received.slice(after).find((m) => m.to === email && /Reset your/.test(m.subject));
    if (mail) return mail;
    await smtp.mailTo(email, /Reset your/);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('requestPasswordReset', () => {
  test('202 with the same body for a known and an unknown address; only the known one gets a mail, text and HTML', async () => {
    const user = await registeredUser(app);
    const known = await requestReset(user.email.toUpperCase());
    const unknown = await requestReset(`nobody_${user.username}@example.com`);
    expect(known.response.status).toBe(202);
    expect(unknown.response.status).toBe(202);
    expect(unknown.data).toEqual(known.data);
    const mail = await smtp.mailTo(user.email, /Reset your tollgate password/);
    // PASSWORD_RESET_URL unset: our own page on this server (PUBLIC_URL unset, so localhost and PORT, 0 here).
    expect(mail.text).toMatch(/http:\/\/localhost:0\/ui\/reset-password\?token=[A-Za-z0-9_-]{43}/);
    expect(mail.html).toContain(`token=${tokenIn(mail)}`);
    // The unknown address got nothing (by the time the known one's mail arrived, both were handled).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.some((m) => m.to === `nobody_${user.username}@example.com`)).toBe(false);
  });

  test('per address: past EMAIL_MAX_PER_ADDRESS, 429 with Retry-After, unknown addresses alike', async () => {
    const known = await registeredUser(app);
    for (const email of [known.email, `unknown_${known.email}`]) {
      for (let n = 0; n < 5; n += 1) expect((await requestReset(email)).response.status).toBe(202);
      const refused = await requestReset(email);
      expect(refused.response.status).toBe(429);
      expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.error?.code).toBe('too_many_requests');
    }
  });

  test('per client IP: past EMAIL_REQUESTS_MAX_PER_IP, 429 whatever the address', async () => {
    const headers = fromNewIp();
    for (let n = 0; n < 30; n += 1) expect((await requestReset(`ip_${n}@example.com`, headers)).response.status).toBe(202);
    const refused = await requestReset('ip_last@example.com', headers);
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });
});

describe('confirmPasswordReset', () => {
  test('sets the password, ends every session, and mails a notice', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    expect((await confirm(token, 'a brand new password')).response.status).toBe(204);

    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(401);
    const refreshed = await app.raw('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${user.refreshToken}` });
    expect(refreshed.status).toBe(400);
    expect((await login(app, user.username, user.password)).status).toBe(400);
    expect((await login(app, user.username, 'a brand new password')).status).toBe(200);
    await smtp.mailTo(user.email, /password was changed/);
  });

  test('a token works once; unknown, used and expired tokens get one 400 problem', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    expect((await confirm(token, 'first new password')).response.status).toBe(204);
    const used = await confirm(token, 'second new password');
    expect(used.response.status).toBe(400);
    expect(used.error?.code).toBe('invalid_mail_token');
    const unknown = await confirm('A'.repeat(43), 'second new password');
    expect(unknown.error?.code).toBe('invalid_mail_token');

    const late = await resetToken(user.email);
    clock.advance(3600 + 1);
    const expired = await confirm(late, 'second new password');
    expect(expired.response.status).toBe(400);
    expect(expired.error?.code).toBe('invalid_mail_token');
    expect((await login(app, user.username, 'first new password')).status).toBe(200);
  });

  test('a newer request replaces the older token', async () => {
    const user = await registeredUser(app);
    const older = await resetToken(user.email);
    const newer = await resetToken(user.email);
    expect(newer).not.toBe(older);
    expect((await confirm(older, 'older new password')).error?.code).toBe('invalid_mail_token');
    expect((await confirm(newer, 'newer new password')).response.status).toBe(204);
  });

  test('of concurrent confirms with one token exactly one wins', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    const passwords = Array.from({ length: 8 }, (_, i) => `concurrent password ${i}`);
    const results = await Promise.all(passwords.map((password) => confirm(token, password)));
    const winners = passwords.filter((_, i) => results[i]?.response.status === 204);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.response.status === 400)).toHaveLength(7);
    expect((await login(app, user.username, winners[0] ?? '')).status).toBe(200);
  });

  test('the new password follows the registration rules', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    const short = await confirm(token, 'short');
    expect(short.response.status).toBe(400);
    expect(short.error?.code).toBe('validation_failed');
    expect((await confirm(token, 'long enough now')).response.status).toBe(204);
  });
});

describe('changePassword', () => {
  test('PUT /users/me/password mails "your password was changed" too', async () => {
    const user = await registeredUser(app);
    const changed = await app.client.PUT('/users/me/password', { body: { current_password: user.password, new_password: 'changed the usual way' }, headers: bearer(user.token) });
    expect(changed.response.status).toBe(204);
    await smtp.mailTo(user.email, /password was changed/);
  });
});

test('no token or link ever reaches the log with SMTP configured; the flows are audited', async () => {
  const user = await registeredUser(app);
  const token = await resetToken(user.email);
  await confirm(token, 'audited new password');
  await smtp.mailTo(user.email, /password was changed/);
  const text = logs.text();
  expect(text).not.toContain(token);
  expect(text).not.toContain('reset-password?token=');
  expect(text).toMatch(/"event":"password_reset_requested"/);
  expect(text).toMatch(/"event":"password_reset_completed"/);
});

describe('reset links outlive nothing that ends the sessions', () => {
  test('a password change kills the reset links already mailed', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    const changed = await app.client.PUT('/users/me/password', { body: { current_password: user.password, new_password: 'a changed password, long enough' }, headers: user.auth });
    expect(changed.response.status).toBe(204);
    const answer = await confirm(token, 'the attacker picks this one');
    expect([answer.response.status, answer.error?.code]).toEqual([400, 'invalid_mail_token']);
    expect((await login(app, user.username, 'a changed password, long enough')).status).toBe(200);
  });

  test('logging out everywhere kills them too', async () => {
    const user = await registeredUser(app);
    const token = await resetToken(user.email);
    expect((await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status).toBe(204);
    const answer = await confirm(token, 'the attacker picks this one');
    expect([answer.response.status, answer.error?.code]).toEqual([400, 'invalid_mail_token']);
  });
});

describe('a reset proves the address', () => {
  test('an unverified user whose reset link worked is verified: REQUIRE_VERIFIED_EMAIL cannot lock them out for good', async () => {
    const user = await registeredUser(app);
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.email_verified).toBe(false);
    const token = await resetToken(user.email);
    expect((await confirm(token, 'a new password after the reset')).response.status).toBe(204);
    const after = await login(app, user.username, 'a new password after the reset');
    const { access_token } = (await after.json()) as { access_token: string };
    expect((await app.client.GET('/users/me', { headers: bearer(access_token) })).data?.email_verified).toBe(true);
  });
});
