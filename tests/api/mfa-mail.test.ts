import { movableClock } from '../support/clock';
import { registeredAdmin, registeredUser, type TestUser, type TokenBody } from '../support/flows';
import { codeNow, enrol, passwordStep, recoveryGrant } from '../support/mfa';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
const mailsTo = (user: TestUser, subject: RegExp) => smtp.received.filter((m) => m.to.toLowerCase() === user.email.toLowerCase() && subject.test(m.subject));

/** Neither part of the mail holds any of `secrets` (recovery codes also without hyphens, any case). */
function expectNoSecrets(mail: ReceivedMail, secrets: readonly string[]): void {
  const spelled = secrets.filter((s) => s !== '').flatMap((s) => [s, s.replace(/-/g, '')]);
  expect(spelled.length).toBeGreaterThan(0);
  for (const part of [mail.text, mail.html]) {
    expect(part.length).toBeGreaterThan(0);
    for (const secret of spelled) expect(part.toLowerCase()).not.toContain(secret.toLowerCase());
  }
}

describe('second-factor notification mails', () => {
  test('confirming an enrolment mails the account that two-factor authentication is on, without secret or codes', async () => {
    const user = await registeredUser(app);
    const started = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    const secret = started.data?.secret ?? '';
    // Starting alone is no change worth a mail: only the confirmation is.
    await settle();
    expect(mailsTo(user, /Two-factor authentication is on/)).toEqual([]);
    const code = codeNow(secret, clock);
    const confirmed = await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { current_password: user.password, code } });
    expect(confirmed.response.status).toBe(200);
    const mail = await smtp.mailTo(user.email, /Two-factor authentication is on for your/);
    expect(mail.text).toMatch(/authenticator app was just set up/);
    expectNoSecrets(mail, [secret, code, started.data?.otpauth_uri ?? '', user.token, ...(confirmed.data?.recovery_codes ?? [])]);
  });

  test('turning the second factor off mails the account', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const code = codeNow(secret, clock);
    const disabled = await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code } });
    expect(disabled.response.status).toBe(204);
    const mail = await smtp.mailTo(user.email, /Two-factor authentication is off for your/);
    expect(mail.text).toMatch(/was just turned off/);
    expectNoSecrets(mail, [secret, code, user.token, ...recoveryCodes]);
  });

  test('an admin reset mails the account (only when a second factor was on)', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const admin = await registeredAdmin(app);
    const id = (await app.client.GET('/users/me', { headers: user.auth })).data?.id ?? 0;
    expect((await app.client.DELETE('/users/{id}/mfa', { params: { path: { id } }, headers: admin.auth })).response.status).toBe(204);
    const mail = await smtp.mailTo(user.email, /Two-factor authentication is off for your/);
    expect(mail.text).toMatch(/An administrator just removed/);
    expectNoSecrets(mail, [secret, admin.token, user.token, ...recoveryCodes]);

    // Reset again: nothing was on, so nothing is reported.
    expect((await app.client.DELETE('/users/{id}/mfa', { params: { path: { id } }, headers: admin.auth })).response.status).toBe(204);
    await settle();
    expect(mailsTo(user, /Two-factor authentication is off/)).toHaveLength(1);
  });

  test('a recovery-code login mails the account how many codes remain; a refused one mails nothing', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const first = await passwordStep(app, user);
    expect((await recoveryGrant(app, first, 'aaaa-bbbb-cccc-dddd')).status).toBe(400);
    const mfaToken = await passwordStep(app, user);
    const granted = await recoveryGrant(app, mfaToken, recoveryCodes[0] ?? '');
    expect(granted.status).toBe(200);
    const tokens = (await granted.json()) as TokenBody;
    const mail = await smtp.mailTo(user.email, /A recovery code was used to sign in to your/);
    expect(mail.text).toContain('9 recovery codes remain');
    expect(mail.text).toMatch(/If this was not you, .*reset your password/);
    expectNoSecrets(mail, [secret, first, mfaToken, tokens.access_token, tokens.refresh_token ?? '', ...recoveryCodes]);
    await settle();
    expect(mailsTo(user, /A recovery code was used/)).toHaveLength(1);
  });
});
