import { movableClock } from '../support/clock';
import { bearer, login, registeredAdmin, type OAuthErrorBody } from '../support/flows';
import { startTestSmtp, tokenIn, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp(
    { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', REQUIRE_VERIFIED_EMAIL: 'true', TRUST_PROXY: 'true' },
    clock,
  );
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let counter = 0;
async function register() {
  counter += 1;
  const user = {
    username: `verify${counter}_${process.pid}`,
    email: `verify${counter}_${process.pid}@example.com`,
    password: `password-${counter}-long`,
  };
  const created = await app.client.POST('/users', { body: user });
  expect(created.data?.email_verified).toBe(false);
  return { ...user, id: created.data?.id ?? 0 };
}
const confirm = (token: string) => app.client.POST('/email-verification/confirm', { body: { token } });
const verificationMails = (email: string) =>
  smtp.received.filter((m) => m.to === email && /Confirm your/.test(m.subject));

async function newVerificationMail(email: string, count: number) {
  for (let waited = 0; verificationMails(email).length < count; waited += 20) {
    if (waited > 10_000) throw new Error(`no verification mail number ${count} to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return verificationMails(email)[count - 1]!;
}

async function tokenFor(user: { username: string; password: string }): Promise<string> {
  // Logged in as an admin would not help: an unverified user cannot log in here, so verify with the mailed link.
  return (await login(app, user.username, user.password))
    .json()
    .then((body: { access_token: string }) => body.access_token);
}

test('registration mails a link; confirming it verifies the address, once', async () => {
  const user = await register();
  const token = tokenIn(await newVerificationMail(user.email, 1));
  expect((await confirm(token)).response.status).toBe(204);
  const again = await confirm(token);
  expect(again.response.status).toBe(400);
  expect(again.error?.code).toBe('invalid_mail_token');
  const accessToken = await tokenFor(user);
  expect((await app.client.GET('/users/me', { headers: bearer(accessToken) })).data).toMatchObject({
    email_verified: true,
    pending_email: null,
  });
});

test('REQUIRE_VERIFIED_EMAIL=true: the right password of an unverified user says email_not_verified; a wrong one says nothing more', async () => {
  const user = await register();
  const right = await login(app, user.username, user.password);
  expect(right.status).toBe(400);
  expect((await right.json()) as OAuthErrorBody).toEqual({
    error: 'invalid_grant',
    error_description: expect.any(String),
    error_code: 'email_not_verified',
  });
  const wrong = await login(app, user.username, 'not the password');
  expect((await wrong.json()) as OAuthErrorBody).toEqual({
    error: 'invalid_grant',
    error_description: 'Invalid username or password.',
  });
});

test('the link expires after EMAIL_VERIFICATION_TTL; POST /email-verification sends a new one and the old one dies', async () => {
  const user = await register();
  const first = tokenIn(await newVerificationMail(user.email, 1));
  const admin = await registeredAdmin(app);
  // An admin verifies nothing here: they only let the user log in by marking, then unmarking, the address.
  await app.client.PATCH('/users/{id}', {
    params: { path: { id: user.id } },
    body: { email_verified: true },
    headers: admin.auth,
  });
  const accessToken = await tokenFor(user);
  await app.client.PATCH('/users/{id}', {
    params: { path: { id: user.id } },
    body: { email_verified: false },
    headers: admin.auth,
  });

  const resent = await app.client.POST('/email-verification', { headers: bearer(accessToken) });
  expect(resent.response.status).toBe(202);
  const second = tokenIn(await newVerificationMail(user.email, 2));
  expect((await confirm(first)).error?.code).toBe('invalid_mail_token');
  clock.advance(86400 + 1);
  expect((await confirm(second)).error?.code).toBe('invalid_mail_token');
});

test('an admin sets email_verified through PATCH /users/{id}', async () => {
  const user = await register();
  const admin = await registeredAdmin(app);
  const patched = await app.client.PATCH('/users/{id}', {
    params: { path: { id: user.id } },
    body: { email_verified: true },
    headers: admin.auth,
  });
  expect(patched.data).toMatchObject({ email_verified: true });
  expect((await login(app, user.username, user.password)).status).toBe(200);
});

test('resending is limited like resets: 429 with Retry-After past EMAIL_MAX_PER_ADDRESS', async () => {
  const user = await register();
  const admin = await registeredAdmin(app);
  await app.client.PATCH('/users/{id}', {
    params: { path: { id: user.id } },
    body: { email_verified: true },
    headers: admin.auth,
  });
  const accessToken = await tokenFor(user);
  await app.client.PATCH('/users/{id}', {
    params: { path: { id: user.id } },
    body: { email_verified: false },
    headers: admin.auth,
  });
  const statuses: number[] = [];
  for (let n = 0; n < 6; n += 1)
    statuses.push(
      (
        await app.client.POST('/email-verification', {
          headers: { ...bearer(accessToken), 'x-forwarded-for': `192.0.2.${n + 1}` },
        })
      ).response.status,
    );
  expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
});
