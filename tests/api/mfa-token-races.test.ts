import { movableClock } from '../support/clock';
import { registeredUser } from '../support/flows';
import { enrol, passwordStep, recoveryGrant } from '../support/mfa';
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
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50' }, clock);
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
    const statuses = await Promise.all(recoveryCodes.slice(round * 4, round * 4 + 4).map(async (code) => (await recoveryGrant(app, mfaToken, code)).status));
    expect(statuses.sort()).toEqual([200, 400, 400, 400]);
  }
  const spent = await app.server.services.db.selectFrom('mfa_recovery_codes').select('id').where('user_id', '=', id).where('used_at', 'is not', null).execute();
  expect(spent).toHaveLength(2);
  await smtp.mailTo(user.email, /recovery code was used/);
  await settle();
  const mails = smtp.received.filter((m) => m.to.toLowerCase() === user.email.toLowerCase() && /recovery code was used/.test(m.subject));
  expect(mails).toHaveLength(2);
  const remaining = mails.map((m) => /(\d+) recovery codes? remains?/.exec(m.text)?.[1]).sort();
  expect(remaining).toEqual(['8', '9']);
});
