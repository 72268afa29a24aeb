import { login, registeredUser } from '../support/flows';
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

// On the list as "password123" and "iloveyou": the comparison ignores case and NFKC forms (full-width digits).
const COMMON = ['Password123', 'ILOVEYOU', 'password１２３'];

const tooCommon = (field: string) => ({
  code: 'password_too_common',
  status: 400,
  errors: [{ location: 'body', field, message: expect.any(String) }],
});

describe('createUser', () => {
  test.each(COMMON)('%s is refused with 400 password_too_common and no user is created', async (password) => {
    const username = `common_${Math.random().toString(36).slice(2, 10)}`;
    const answer = await app.client.POST('/users', { body: { username, email: `${username}@example.com`, password } });
    expect(answer.response.status).toBe(400);
    expect(answer.error).toMatchObject(tooCommon('password'));
    expect(JSON.stringify(answer.error)).not.toContain(password);
    expect((await login(app, username, password)).status).toBe(400);
    // The same name and address register fine with a password that is not on the list.
    const retry = await app.client.POST('/users', { body: { username, email: `${username}@example.com`, password: 'a passphrase nobody else uses' } });
    expect(retry.response.status).toBe(201);
  });
});

describe('changePassword', () => {
  test('a common new password is refused; the old one keeps working and the sessions live on', async () => {
    const user = await registeredUser(app);
    const answer = await app.client.PUT('/users/me/password', { body: { current_password: user.password, new_password: 'Password123' }, headers: user.auth });
    expect(answer.response.status).toBe(400);
    expect(answer.error).toMatchObject(tooCommon('new_password'));
    expect((await app.client.GET('/users/me', { headers: user.auth })).response.status).toBe(200);
    expect((await login(app, user.username, user.password)).status).toBe(200);
  });
});

describe('confirmPasswordReset', () => {
  test('a common new password is refused and the link stays usable for a good one', async () => {
    const user = await registeredUser(app);
    await app.client.POST('/password-reset', { body: { email: user.email } });
    const token = tokenIn(await smtp.mailTo(user.email, /Reset your/));
    const answer = await app.client.POST('/password-reset/confirm', { body: { token, new_password: 'iloveyou' } });
    expect(answer.response.status).toBe(400);
    expect(answer.error).toMatchObject(tooCommon('new_password'));
    expect((await login(app, user.username, 'iloveyou')).status).toBe(400);
    expect((await app.client.POST('/password-reset/confirm', { body: { token, new_password: 'a passphrase nobody else uses' } })).response.status).toBe(204);
    expect((await login(app, user.username, 'a passphrase nobody else uses')).status).toBe(200);
  });
});

test('the passwords of the README walkthrough and the spec examples are not on the list', async () => {
  const username = `walk_${Math.random().toString(36).slice(2, 10)}`;
  for (const [i, password] of ['correct horse battery staple', 'tr0ubadour and a longer tail'].entries()) {
    const answer = await app.client.POST('/users', { body: { username: `${username}${i}`, email: `${username}${i}@example.com`, password } });
    expect(answer.response.status).toBe(201);
  }
});
