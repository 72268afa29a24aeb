import { movableClock } from '../support/clock';
import { login, registeredUser, type OAuthErrorBody, type TestUser } from '../support/flows';
import { codeNow, enrol, MFA_OTP } from '../support/mfa';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21 item 3: the per-(user, IP) and per-IP limits let someone who knows the password guess
 * codes from many addresses without end. MFA_MAX_CONSECUTIVE_FAILURES caps wrong codes per account,
 * whatever the address (NIST 800-63B §5.2.2), at the grants and at /users/me/mfa/*.
 */
const CAP = 6;
const clock = movableClock();
let smtp: TestSmtp;
let app: TestApp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ TRUST_PROXY: 'true', MFA_MAX_CONSECUTIVE_FAILURES: String(CAP), SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let address = 0;
/** A client address of its own for every attempt: the per-IP limits never see two. */
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${(address += 1) % 250}` });
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

const tokenFrom = (fields: Record<string, string>, headers: Record<string, string>) =>
  app.raw('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });

/** The password step, then a code, both from one new address. */
async function codeAttempt(user: TestUser, otp: string): Promise<Response> {
  const headers = fromNewAddress();
  const step = await tokenFrom({ grant_type: 'password', username: user.username, password: user.password }, headers);
  const { mfa_token } = (await step.json()) as OAuthErrorBody;
  if (!mfa_token) throw new Error(`expected an mfa_token, got ${step.status}`);
  return tokenFrom({ grant_type: MFA_OTP, mfa_token, otp }, headers);
}

const lockoutMails = (user: TestUser) => smtp.received.filter((m) => m.to.toLowerCase() === user.email.toLowerCase() && /wrong codes/i.test(m.subject));

describe('wrong second-factor codes per account, from any address', () => {
  test(`past ${CAP} wrong codes from ${CAP} addresses → 429 with Retry-After (RFC 6749), even for the right code from a new address; one mail to the owner`, async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    for (let i = 0; i < CAP; i += 1) expect((await codeAttempt(user, wrongCode(codeNow(secret, clock)))).status).toBe(400);
    const refused = await codeAttempt(user, codeNow(secret, clock));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as OAuthErrorBody).error).toBe('temporarily_unavailable');
    // The /users/me/mfa/* operations share the count.
    const regenerate = await app.client.POST('/users/me/mfa/recovery-codes', { headers: { ...user.auth, ...fromNewAddress() }, body: { code: codeNow(secret, clock) } });
    expect(regenerate.response.status).toBe(429);
    expect(Number(regenerate.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await codeAttempt(user, codeNow(secret, clock))).status).toBe(429);

    const mail = await smtp.mailTo(user.email, /wrong codes/i);
    expect(mail.text).toMatch(/password/);
    await settle();
    expect(lockoutMails(user)).toHaveLength(1);
    // The password itself is not locked: the second step is what is refused.
    expect((await login(app, user.username, user.password)).status).toBe(403);
  });

  test('wrong codes at /users/me/mfa/* count too; a right code resets the consecutive count', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const regenerate = (code: string) => app.client.POST('/users/me/mfa/recovery-codes', { headers: { ...user.auth, ...fromNewAddress() }, body: { code } });
    for (let i = 0; i < CAP - 1; i += 1) expect((await regenerate(wrongCode(codeNow(secret, clock)))).response.status).toBe(400);
    expect((await codeAttempt(user, codeNow(secret, clock))).status).toBe(200);
    clock.advance(30);
    for (let i = 0; i < CAP - 1; i += 1) expect((await codeAttempt(user, wrongCode(codeNow(secret, clock)))).status).toBe(400);
    expect((await regenerate(codeNow(secret, clock))).response.status).toBe(200);
    clock.advance(30);
    for (let i = 0; i < CAP; i += 1) expect((await regenerate(wrongCode(codeNow(secret, clock)))).response.status).toBe(400);
    const { response, error } = await regenerate(codeNow(secret, clock));
    expect(response.status).toBe(429);
    expect(error?.code).toBe('too_many_requests');
  });
});
