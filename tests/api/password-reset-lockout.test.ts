import { movableClock } from '../support/clock';
import { login, registeredUser } from '../support/flows';
import { startTestSmtp, tokenIn, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();

// Links shorter-lived than the limit's window, as an operator may well set them.
beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', TRUST_PROXY: 'true', PASSWORD_RESET_TTL: '600', EMAIL_WINDOW: '3600' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let ip = 0;
/** Every request from an address of its own: only the per-address cap is in play. */
const fromNewIp = () => ({ 'x-forwarded-for': `192.0.2.${(ip += 1)}` });
const requestReset = (email: string) => app.client.POST('/password-reset', { body: { email }, headers: fromNewIp() });
const confirm = (token: string, new_password: string) => app.client.POST('/password-reset/confirm', { body: { token, new_password } });
const resetMails = (email: string) => smtp.received.filter((m) => m.to === email && /Reset your/.test(m.subject));

async function resetMailNumber(email: string, count: number) {
  for (let waited = 0; resetMails(email).length < count; waited += 20) {
    if (waited > 10_000) throw new Error(`no reset mail number ${count} to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return resetMails(email)[count - 1]!;
}

describe('requestPasswordReset: strangers filling the per-address cap never leave the owner without a working link', () => {
  test('five anonymous requests: the owner\'s own gets 429, and the newest link mailed to them works', async () => {
    const owner = await registeredUser(app);
    for (let n = 0; n < 5; n += 1) expect((await requestReset(owner.email)).response.status).toBe(202);
    const links = await Promise.all([1, 2, 3, 4, 5].map((n) => resetMailNumber(owner.email, n)));
    expect((await requestReset(owner.email)).response.status).toBe(429);

    expect((await confirm(tokenIn(links[3]!), 'an older link is dead')).error?.code).toBe('invalid_mail_token');
    expect((await confirm(tokenIn(links[4]!), 'the owner is back in')).response.status).toBe(204);
    expect((await login(app, owner.username, 'the owner is back in')).status).toBe(200);
  });

  test('once the newest link has expired, the owner can ask for a new one (links shorter-lived than the window)', async () => {
    const owner = await registeredUser(app);
    for (let n = 0; n < 5; n += 1) expect((await requestReset(owner.email)).response.status).toBe(202);
    await resetMailNumber(owner.email, 5);
    clock.advance(601);
    const own = await requestReset(owner.email);
    expect(own.response.status).toBe(202);
    const fresh = await resetMailNumber(owner.email, 6);
    expect((await confirm(tokenIn(fresh), 'the owner is back in')).response.status).toBe(204);
  });

  test('email changes aimed at the owner\'s address (which mail them no link) do not use up their reset requests', async () => {
    const owner = await registeredUser(app);
    const stranger = await registeredUser(app);
    for (let n = 0; n < 3; n += 1) {
      const answer = await app.client.PATCH('/users/me', { body: { current_password: stranger.password, email: owner.email }, headers: { ...stranger.auth, ...fromNewIp() } });
      expect(answer.response.status).toBe(200);
    }
    // Five requests in all against the address: what used to be its whole budget.
    for (let n = 0; n < 2; n += 1) expect((await app.client.POST('/email-verification', { headers: { ...stranger.auth, ...fromNewIp() } })).response.status).toBe(202);
    const own = await requestReset(owner.email);
    expect(own.response.status).toBe(202);
    expect((await confirm(tokenIn(await resetMailNumber(owner.email, 1)), 'the owner is back in')).response.status).toBe(204);
  });
});
