import { bearer, login, registeredAdmin, registeredUser, type TestUser, type TokenBody } from '../support/flows';
import { startTestSmtp, tokenIn, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
let admin: TestUser;

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', TRUST_PROXY: 'true' });
  admin = await registeredAdmin(app);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let ip = 0;
/** Each reset request comes from an address of its own: only the per-address mail limits apply. */
const fromNewIp = () => ({ 'x-forwarded-for': `203.0.113.${(ip += 1)}` });

const idOf = async (user: TestUser): Promise<number> => (await app.client.GET('/users/me', { headers: user.auth })).data?.id ?? -1;
const adminView = (id: number) => app.client.GET('/users/{id}', { params: { path: { id } }, headers: admin.auth });
const confirmEmail = (token: string) => app.client.POST('/email-verification/confirm', { body: { token } });

/** Queues a change of `user`'s address and returns the token the new address was mailed. */
async function queueChange(user: TestUser, to: string): Promise<string> {
  const patched = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: to }, headers: user.auth });
  expect(patched.data?.pending_email).toBe(to);
  return tokenIn(await smtp.mailTo(to, /Confirm your/));
}

async function resetPassword(email: string, password: string): Promise<void> {
  const before = smtp.received.length;
  expect((await app.client.POST('/password-reset', { body: { email }, headers: fromNewIp() })).response.status).toBe(202);
  let mail = smtp.received.slice(before).find((m) => m.to === email && /Reset your/.test(m.subject));
  while (!mail) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    mail = smtp.received.slice(before).find((m) => m.to === email && /Reset your/.test(m.subject));
  }
  expect((await app.client.POST('/password-reset/confirm', { body: { token: tokenIn(mail), new_password: password } })).response.status).toBe(204);
}

const endings: [string, (user: TestUser, id: number) => Promise<void>][] = [
  ['a password change', async (user) => {
    const answer = await app.client.PUT('/users/me/password', { body: { current_password: user.password, new_password: 'a changed password, long enough' }, headers: user.auth });
    expect(answer.response.status).toBe(204);
  }],
  ['a password reset by mail', (user) => resetPassword(user.email, 'a password set by the reset link')],
  ['logging out everywhere', async (user) => {
    expect((await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status).toBe(204);
  }],
  ['a deactivation by an admin', async (_user, id) => {
    expect((await app.client.PATCH('/users/{id}', { params: { path: { id } }, body: { is_active: false }, headers: admin.auth })).response.status).toBe(200);
  }],
  ['a role change', async (_user, id) => {
    expect((await app.client.PATCH('/users/{id}', { params: { path: { id } }, body: { roles: ['admin'] }, headers: admin.auth })).response.status).toBe(200);
  }],
  ['an admin MFA reset', async (_user, id) => {
    expect((await app.client.DELETE('/users/{id}/mfa', { params: { path: { id } }, headers: admin.auth })).response.status).toBe(204);
  }],
];

describe('a pending email change ends with the sessions', () => {
  test.each(endings)('after %s the link is dead, pending_email is gone and the address stays', async (_name, end) => {
    const user = await registeredUser(app);
    const id = await idOf(user);
    const target = `taken_over_${user.email}`;
    const token = await queueChange(user, target);

    await end(user, id);

    expect((await adminView(id)).data).toMatchObject({ email: user.email, pending_email: null });
    const answer = await confirmEmail(token);
    expect([answer.response.status, answer.error?.code]).toEqual([400, 'invalid_mail_token']);
    expect((await adminView(id)).data).toMatchObject({ email: user.email, pending_email: null });
  });

  test('a squatter who registered the victim\'s address cannot keep the account once the victim resets the password', async () => {
    const victimEmail = `victim_${process.pid}_${Date.now()}@example.com`;
    const squatter = { username: `squat_${process.pid}_${Date.now() % 100000}`, email: victimEmail, password: 'the squatter picked this' };
    expect((await app.client.POST('/users', { body: squatter })).response.status).toBe(201);
    const { access_token } = (await (await login(app, squatter.username, squatter.password)).json()) as TokenBody;
    const squatterMailbox = `mailbox_of_${squatter.username}@example.org`;
    const patched = await app.client.PATCH('/users/me', { body: { current_password: squatter.password, email: squatterMailbox }, headers: bearer(access_token) });
    expect(patched.data?.pending_email).toBe(squatterMailbox);
    const squatterLink = tokenIn(await smtp.mailTo(squatterMailbox, /Confirm your/));

    // The victim owns the mailbox, so the reset link reaches them: they take the account back.
    await resetPassword(victimEmail, 'the victim took it back');

    const answer = await confirmEmail(squatterLink);
    expect([answer.response.status, answer.error?.code]).toEqual([400, 'invalid_mail_token']);
    const relogin = (await (await login(app, squatter.username, 'the victim took it back')).json()) as TokenBody;
    expect((await app.client.GET('/users/me', { headers: bearer(relogin.access_token) })).data).toMatchObject({ email: victimEmail, email_verified: true, pending_email: null });
    // A reset asked for by the squatter now goes to the victim's address, not theirs.
    const before = smtp.received.length;
    await app.client.POST('/password-reset', { body: { current_password: squatter.password, email: squatterMailbox }, headers: fromNewIp() });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(smtp.received.slice(before).filter((m) => m.to === squatterMailbox)).toEqual([]);
  });
});
