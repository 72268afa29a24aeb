import { bearer, login, registeredUser } from '../support/flows';
import { startTestSmtp, tokenIn, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50' });
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('updateCurrentUser', () => {
  test('the address waits as pending_email; the new one gets a link, the old one a notice; confirming applies it, verified', async () => {
    const user = await registeredUser(app);
    const newEmail = `moved_${user.email}`;
    const patched = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: newEmail }, headers: user.auth });
    expect(patched.response.status).toBe(200);
    expect(patched.data).toMatchObject({ email: user.email, pending_email: newEmail });

    const link = await smtp.mailTo(newEmail, /Confirm your/);
    const notice = await smtp.mailTo(user.email, /is being changed/);
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toMatch(/token=/);
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.email).toBe(user.email);

    expect((await app.client.POST('/email-verification/confirm', { body: { token: tokenIn(link) } })).response.status).toBe(204);
    const after = await app.client.GET('/users/me', { headers: user.auth });
    expect(after.data).toMatchObject({ email: newEmail, email_verified: true, pending_email: null });
  });

  test('a taken address gets the same answer, changes nothing, and its owner is told; no link goes out', async () => {
    const user = await registeredUser(app);
    const owner = await registeredUser(app);
    const taken = owner.email.toUpperCase();
    const free = `free_${user.email}`;
    // The owner's own registration link first: only what comes after counts.
    await smtp.mailTo(owner.email, /Confirm your/);
    const before = smtp.received.length;
    const takenAnswer = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: taken }, headers: user.auth });
    expect(takenAnswer.response.status).toBe(200);
    expect(takenAnswer.data).toMatchObject({ email: user.email, pending_email: taken });
    await smtp.mailTo(owner.email, /Someone tried to use your address/);
    await settle();
    expect(smtp.received.slice(before).filter((m) => m.to.toLowerCase() === owner.email.toLowerCase() && /Confirm your/.test(m.subject))).toEqual([]);

    const freeAnswer = await app.client.PATCH('/users/me', { body: { current_password: user.password, email: free }, headers: user.auth });
    // Same shape and status either way: only the address differs.
    expect(Object.keys(freeAnswer.data ?? {})).toEqual(Object.keys(takenAnswer.data ?? {}));
    expect((await login(app, owner.username, owner.password)).status).toBe(200);
    expect((await app.client.GET('/users/me', { headers: bearer(owner.token) })).data?.email).toBe(owner.email);
  });

  test('an address taken between request and confirmation: the link answers invalid_mail_token and nothing changes', async () => {
    const user = await registeredUser(app);
    const target = `race_${user.email}`;
    await app.client.PATCH('/users/me', { body: { current_password: user.password, email: target }, headers: user.auth });
    const link = await smtp.mailTo(target, /Confirm your/);
    const other = await app.client.POST('/users', { body: { username: `race_${user.username}`.slice(0, 32), email: target, password: 'someone else entirely' } });
    expect(other.response.status).toBe(201);
    const confirmed = await app.client.POST('/email-verification/confirm', { body: { token: tokenIn(link) } });
    expect(confirmed.error?.code).toBe('invalid_mail_token');
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.email).toBe(user.email);
  });
});

describe('requestEmailVerification', () => {
  test('a resend while pending_email is another account\'s address mails that account nothing; the caller gets the same 202', async () => {
    const attacker = await registeredUser(app);
    const owner = await registeredUser(app);
    await smtp.mailTo(owner.email, /Confirm your/);
    await app.client.PATCH('/users/me', { body: { current_password: attacker.password, email: owner.email }, headers: attacker.auth });
    await smtp.mailTo(owner.email, /Someone tried to use your address/);
    await settle();
    const before = smtp.received.length;

    const taken = await app.client.POST('/email-verification', { headers: attacker.auth });
    await settle();
    expect(smtp.received.slice(before).filter((m) => m.to.toLowerCase() === owner.email.toLowerCase())).toEqual([]);

    // The same answer when the pending address is free, and there the link does go out.
    const free = `free_resend_${attacker.email}`;
    await app.client.PATCH('/users/me', { body: { current_password: attacker.password, email: free }, headers: attacker.auth });
    await smtp.mailTo(free, /Confirm your/);
    const freeAnswer = await app.client.POST('/email-verification', { headers: attacker.auth });
    expect([freeAnswer.response.status, freeAnswer.data]).toEqual([taken.response.status, taken.data]);
    expect(taken.response.status).toBe(202);
    await settle();
    expect(smtp.received.filter((m) => m.to === free && /Confirm your/.test(m.subject))).toHaveLength(2);
  });
});
