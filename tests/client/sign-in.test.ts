import { createClient } from '../../src/client';
import { movableClock } from '../support/clock';
import { registeredUser } from '../support/flows';
import { codeNow, enrol } from '../support/mfa';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = movableClock();
beforeAll(async () => {
  app = await startTestApp({}, clock);
});
afterAll(() => app.close());

describe('client.signIn', () => {
  test('a user without a second factor: signed_in, and the client calls with the token', async () => {
    const user = await registeredUser(app);
    const client = createClient({ baseUrl: app.url });
    const result = await client.signIn(user.username, user.password);
    expect(result.outcome).toBe('signed_in');
    expect((await client.GET('/users/me')).data?.username).toBe(user.username);
  });

  test('mfa_required is a typed result the caller completes with a code; a wrong code is refused, a right one signs in', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const client = createClient({ baseUrl: app.url });
    const first = await client.signIn(user.username, user.password);
    if (first.outcome !== 'mfa_required') throw new Error(`expected mfa_required, got ${first.outcome}`);
    expect(client.isLoggedIn()).toBe(false);
    const wrong = await first.completeWithOtp(
      String((Number(codeNow(secret, clock)) + 1) % 1_000_000).padStart(6, '0'),
    );
    expect(wrong).toMatchObject({ outcome: 'refused', status: 400, error: { error: 'invalid_grant' } });
    const done = await first.completeWithOtp(codeNow(secret, clock));
    expect(done.outcome).toBe('signed_in');
    expect((await client.GET('/users/me')).data?.mfa_enabled).toBe(true);

    const withRecovery = await createClient({ baseUrl: app.url }).signIn(user.username, user.password);
    if (withRecovery.outcome !== 'mfa_required') throw new Error('expected mfa_required');
    expect((await withRecovery.completeWithRecoveryCode(recoveryCodes[0] ?? '')).outcome).toBe('signed_in');
  });

  test('a wrong password: refused with the OAuth error', async () => {
    const user = await registeredUser(app);
    expect(await createClient({ baseUrl: app.url }).signIn(user.username, 'not the password')).toMatchObject({
      outcome: 'refused',
      status: 400,
      error: { error: 'invalid_grant' },
    });
  });
});
