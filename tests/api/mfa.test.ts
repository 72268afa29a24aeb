import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser } from '../support/flows';
import { movableClock } from '../support/clock';
import { codeNow, enrol, passwordStep } from '../support/mfa';
import { totpCode } from '../../src/security/mfa/totp';

let app: TestApp;
const clock = movableClock();
beforeAll(async () => {
  app = await startTestApp({ MFA_ISSUER: 'Example Co' }, clock);
});
afterAll(() => app.close());

describe('TOTP enrolment', () => {
  test('201 secret + otpauth URI naming issuer and account; a second call replaces the pending one', async () => {
    const user = await registeredUser(app);
    const first = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    expect(first.response.status).toBe(201);
    const uri = new URL(first.data?.otpauth_uri ?? '');
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Example Co:${user.username}`);
    expect(uri.searchParams.get('issuer')).toBe('Example Co');
    expect(uri.searchParams.get('secret')).toBe(first.data?.secret);
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');

    const second = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    expect(second.data?.secret).not.toBe(first.data?.secret);
    // The replaced secret's code no longer confirms; the new one's does.
    const stale = await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { current_password: user.password, code: codeNow(first.data?.secret ?? '', clock) } });
    expect(stale.response.status).toBe(400);
    expect(stale.error?.code).toBe('invalid_otp');
    const confirmed = await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { current_password: user.password, code: codeNow(second.data?.secret ?? '', clock) } });
    expect(confirmed.response.status).toBe(200);
    const codes = confirmed.data?.recovery_codes ?? [];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);

    const me = await app.client.GET('/users/me', { headers: user.auth });
    expect(me.data?.mfa_enabled).toBe(true);
    const again = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe('mfa_already_enabled');
  });

  test('confirm without a pending enrolment → 409; a wrong code → 400', async () => {
    const user = await registeredUser(app);
    const none = await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { current_password: user.password, code: '123456' } });
    expect(none.response.status).toBe(409);
    const started = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password: user.password } });
    const wrong = String((Number(codeNow(started.data?.secret ?? '', clock)) + 1) % 1_000_000).padStart(6, '0');
    expect((await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { current_password: user.password, code: wrong } })).response.status).toBe(400);
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.mfa_enabled).toBe(false);
  });

  test('neither the secret nor a recovery code is stored in clear; the secret row names its key', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const db = app.server.services.db;
    const row = await db.selectFrom('mfa_totp').selectAll().where('secret_sealed', 'is not', null).orderBy('user_id', 'desc').executeTakeFirstOrThrow();
    expect(row.key_id).toMatch(/^[0-9a-f]{16}$/);
    const everything = JSON.stringify([await db.selectFrom('mfa_totp').selectAll().execute(), await db.selectFrom('mfa_recovery_codes').selectAll().execute()]);
    expect(everything).not.toContain(secret);
    expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    for (const code of recoveryCodes) {
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(code.replace(/-/g, ''));
    }
  });
});

describe('disable and recovery codes', () => {
  test('disable with a current code → 204; the password alone logs in again', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const { response } = await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: codeNow(secret, clock) } });
    expect(response.status).toBe(204);
    expect((await app.client.GET('/users/me', { headers: user.auth })).data?.mfa_enabled).toBe(false);
    const db = app.server.services.db;
    expect(await db.selectFrom('mfa_recovery_codes').select('id').where('user_id', '=', Number((await app.client.GET('/users/me', { headers: user.auth })).data?.id)).execute()).toEqual([]);
  });

  test('disable with a recovery code → 204; with a wrong code → 400; not enabled → 409', async () => {
    const user = await registeredUser(app);
    const { recoveryCodes } = await enrol(app, user, clock);
    expect((await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: 'aaaa-aaaa-aaaa-aaaa' } })).response.status).toBe(400);
    expect((await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: (recoveryCodes[0] ?? '').toUpperCase() } })).response.status).toBe(204);
    const notEnabled = await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: recoveryCodes[1] ?? '' } });
    expect(notEnabled.response.status).toBe(409);
    expect(notEnabled.error?.code).toBe('mfa_not_enabled');
  });

  test('regenerating recovery codes: a new set of 10, the old set dies', async () => {
    const user = await registeredUser(app);
    const { secret, recoveryCodes } = await enrol(app, user, clock);
    const { data, response } = await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code: codeNow(secret, clock) } });
    expect(response.status).toBe(200);
    expect(data?.recovery_codes).toHaveLength(10);
    expect(data?.recovery_codes.some((c) => recoveryCodes.includes(c))).toBe(false);
    // An old code no longer disables; a new one does.
    expect((await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: recoveryCodes[0] ?? '' } })).response.status).toBe(400);
    expect((await app.client.POST('/users/me/mfa/totp/disable', { headers: user.auth, body: { code: data?.recovery_codes[0] ?? '' } })).response.status).toBe(204);
  });

  test('a code accepted once is refused the second time (no replay), also on these operations', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const code = codeNow(secret, clock);
    expect((await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code } })).response.status).toBe(200);
    expect((await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code } })).response.status).toBe(400);
    // The previous step's code, still inside the ±1 window, is older than the one accepted: refused too.
    const previous = totpCode(secret, new Date(clock.now().getTime() - 30_000));
    expect((await app.client.POST('/users/me/mfa/recovery-codes', { headers: user.auth, body: { code: previous } })).response.status).toBe(400);
    await passwordStep(app, user);
  });
});
