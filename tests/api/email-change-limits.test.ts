import { movableClock } from '../support/clock';
import { bearer, login, registeredUser, type TestUser, type TokenBody } from '../support/flows';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50', TRUST_PROXY: 'true', EMAIL_CHANGE_MAX_PER_USER: '3' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

let ip = 0;
/** A new client address and a new target address each time: only a per-user budget can stop this. */
const changeEmail = (user: TestUser, email: string) =>
  app.client.PATCH('/users/me', { body: { current_password: user.password, email }, headers: { ...user.auth, 'x-forwarded-for': `198.18.${Math.floor((ip += 1) / 250)}.${ip % 250}` } });

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('updateCurrentUser', () => {
  test('40 changes from 40 addresses to 40 addresses send at most 3 notices, not 40: past EMAIL_CHANGE_MAX_PER_USER, 429 with Retry-After', async () => {
    const user = await registeredUser(app);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let n = 0; n < 40; n += 1) {
      const answer = await changeEmail(user, `spam${n}_${user.email}`);
      statuses.push(answer.response.status);
      if (answer.response.status === 429) {
        expect(answer.error?.code).toBe('too_many_requests');
        retryAfter = answer.response.headers.get('retry-after');
      }
    }
    expect(statuses).toEqual([200, 200, 200, ...Array<number>(37).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThan(3500);
    expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
    await settle();
    // At most one notice per admitted request (fewer when a later one replaced an earlier before it was mailed).
    const notices = smtp.received.filter((m) => m.to === user.email && /is being changed/.test(m.subject));
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices.length).toBeLessThanOrEqual(3);
    expect(smtp.received.filter((m) => m.to.startsWith('spam') && m.to.endsWith(user.email) && /Confirm your/.test(m.subject)).length).toBeLessThanOrEqual(3);
    // The last admitted request is the pending one: the refused ones changed nothing.
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.pending_email).toBe(`spam2_${user.email}`);

    // Another user is not affected; this one can change again once the window has passed.
    const other = await registeredUser(app);
    expect((await changeEmail(other, `fine_${other.email}`)).response.status).toBe(200);
    clock.advance(3601);
    const { access_token } = (await (await login(app, user.username, user.password)).json()) as TokenBody;
    expect((await changeEmail({ ...user, auth: bearer(access_token) }, `later_${user.email}`)).response.status).toBe(200);
  });
});
