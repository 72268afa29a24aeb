import { captureLogs } from '../support/log-capture';
import { movableClock } from '../support/clock';
import { registeredAdmin, registeredUser, type TokenBody } from '../support/flows';
import { codeNow, enrol, otpGrant, passwordStep, recoveryGrant } from '../support/mfa';
import { startTestApp, type TestApp } from '../support/test-app';

const logs = captureLogs();
const clock = movableClock();
let app: TestApp;
const secrets: string[] = [];
const events: string[] = [];

// Every second-factor flow in one app whose log is kept.
beforeAll(async () => {
  app = await startTestApp({ LOG_LEVEL: 'info' }, clock, logs);
  const user = await registeredUser(app);
  const { secret, recoveryCodes } = await enrol(app, user, clock);
  secrets.push(secret, ...recoveryCodes, ...recoveryCodes.map((c) => c.replace(/-/g, '')));
  const mfaToken = await passwordStep(app, user);
  const code = codeNow(secret, clock);
  secrets.push(mfaToken);
  await otpGrant(app, mfaToken, '000000');
  const tokens = (await (await otpGrant(app, mfaToken, code)).json()) as TokenBody;
  secrets.push(tokens.access_token, tokens.refresh_token ?? '');
  const second = await passwordStep(app, user);
  secrets.push(second);
  await recoveryGrant(app, second, recoveryCodes[0] ?? '');
  const regenerated = await app.client.POST('/users/me/mfa/recovery-codes', {
    headers: user.auth,
    body: { code: recoveryCodes[1] ?? '' },
  });
  secrets.push(...(regenerated.data?.recovery_codes ?? []));
  await app.client.POST('/users/me/mfa/totp/disable', {
    headers: user.auth,
    body: { code: regenerated.data?.recovery_codes[0] ?? '' },
  });
  const admin = await registeredAdmin(app);
  await app.client.DELETE('/users/{id}/mfa', { params: { path: { id: 1 } }, headers: admin.auth });
  for (const line of logs
    .text()
    .split('\n')
    .filter((l) => l !== '')) {
    const parsed = JSON.parse(line) as { audit?: boolean; event?: string };
    if (parsed.audit && parsed.event) events.push(parsed.event);
  }
});
afterAll(() => app.close());

test('each second-factor step is an audit event', () => {
  for (const event of [
    'mfa_enrolment_started',
    'mfa_enabled',
    'mfa_challenge_issued',
    'mfa_login_failed',
    'mfa_login_succeeded',
    'mfa_recovery_codes_regenerated',
    'mfa_disabled',
    'mfa_reset',
  ]) {
    expect(events).toContain(event);
  }
});

test('no TOTP secret, recovery code, mfa_token or token appears in the log', () => {
  const text = logs.text();
  expect(secrets.length).toBeGreaterThan(20);
  for (const secret of secrets.filter((s) => s.length >= 8)) expect(text.includes(secret)).toBe(false);
});
