import { movableClock } from '../support/clock';
import { registeredUser, tokenRequest } from '../support/flows';
import { codeNow, enrol, MFA_OTP, passwordStep, recoveryGrant } from '../support/mfa';
import { MFA_TOKEN_MAX_FAILURES } from '../../src/services/mfa/login';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21 item 5: four right recovery codes sent at once on one mfa_token spent 2–4 codes and sent
 * 4 mails on PostgreSQL. An mfa_token completes at most one login and spends at most one code.
 */
const clock = movableClock();
let smtp: TestSmtp;
let app: TestApp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', TRUST_PROXY: 'true' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

test('4 right recovery codes at once on one mfa_token → exactly one 200, one code spent, one mail (twice over)', async () => {
  const user = await registeredUser(app);
  const { recoveryCodes } = await enrol(app, user, clock);
  const id = (await app.client.GET('/users/me', { headers: user.auth })).data?.id ?? 0;
  for (const round of [0, 1]) {
    const mfaToken = await passwordStep(app, user);
    const statuses = await Promise.all(
      recoveryCodes
        .slice(round * 4, round * 4 + 4)
        .map(async (code) => (await recoveryGrant(app, mfaToken, code)).status),
    );
    expect(statuses.sort()).toEqual([200, 400, 400, 400]);
  }
  const spent = await app.server.services.db
    .selectFrom('mfa_recovery_codes')
    .select('id')
    .where('user_id', '=', id)
    .where('used_at', 'is not', null)
    .execute();
  expect(spent).toHaveLength(2);
  await smtp.mailTo(user.email, /recovery code was used/);
  await settle();
  const mails = smtp.received.filter(
    (m) => m.to.toLowerCase() === user.email.toLowerCase() && /recovery code was used/.test(m.subject),
  );
  expect(mails).toHaveLength(2);
  const remaining = mails.map((m) => /(\d+) recovery codes? remains?/.exec(m.text)?.[1]).sort();
  expect(remaining).toEqual(['8', '9']);
});

test(`20 wrong codes at once on one mfa_token, from 20 addresses: at most ${MFA_TOKEN_MAX_FAILURES} are judged (the per-token limit holds under concurrency)`, async () => {
  const user = await registeredUser(app);
  const { secret } = await enrol(app, user, clock);
  const id = (await app.client.GET('/users/me', { headers: user.auth })).data?.id ?? -1;
  const mfaToken = await passwordStep(app, user);
  const wrong = String((Number(codeNow(secret, clock)) + 500_000) % 1_000_000).padStart(6, '0');
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      app.raw('/token', {
        ...tokenRequest({ grant_type: MFA_OTP, mfa_token: mfaToken, otp: wrong }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i + 1}` },
      }),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 400));
  // Each judged code counts once on the token, and nothing is judged past the limit.
  const [challenge] = await app.server.services.db
    .selectFrom('mfa_challenges')
    .select(['failures', 'used_at'])
    .where('user_id', '=', id)
    .execute();
  expect(challenge).toEqual({ failures: MFA_TOKEN_MAX_FAILURES, used_at: null });
  // The token is used up: even the right code is refused now.
  expect(
    (
      await app.raw('/token', {
        ...tokenRequest({ grant_type: MFA_OTP, mfa_token: mfaToken, otp: codeNow(secret, clock) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).status,
  ).toBe(400);
});
