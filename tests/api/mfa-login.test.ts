import { startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  login,
  refresh,
  registeredAdmin,
  registeredUser,
  type OAuthErrorBody,
  type TokenBody,
} from '../support/flows';
import { movableClock } from '../support/clock';
import { claimsOf, codeNow, enrol, meStatus, otpGrant, passwordStep, recoveryGrant } from '../support/mfa';

let app: TestApp;
const clock = movableClock();
beforeAll(async () => {
  // Room for the wrong-code tests: the attempt limits have their own test below.
  app = await startTestApp({ LOGIN_MAX_FAILURES: '50' }, clock);
});
afterAll(() => app.close());

const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

describe('password grant of an enrolled user', () => {
  test('403 mfa_required with an mfa_token and no tokens; the wrong password is still 400', async () => {
    const user = await registeredUser(app);
    await enrol(app, user, clock);
    const response = await login(app, user.username, user.password);
    expect(response.status).toBe(403);
    const body = (await response.json()) as OAuthErrorBody & Record<string, unknown>;
    expect(body).toEqual({
      error: 'mfa_required',
      error_description: expect.any(String),
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await login(app, user.username, 'not the password')).status).toBe(400);
  });
});

describe('mfa-otp grant', () => {
  test('the usual token response, amr [pwd, otp, mfa] kept through refresh, scope as asked at the password step', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const mfaToken = await passwordStep(app, user, 'me');
    const response = await otpGrant(app, mfaToken, codeNow(secret, clock));
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenBody;
    expect(tokens.scope).toBe('me');
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(await meStatus(app, tokens.access_token)).toBe(200);

    const refreshed = (await (await refresh(app, tokens.refresh_token ?? '')).json()) as TokenBody;
    expect(claimsOf(refreshed.access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    const sessions = await app.client.GET('/users/me/sessions', { headers: bearer(refreshed.access_token) });
    expect(sessions.data?.items.find((s) => s.current)?.amr).toEqual(['pwd', 'otp', 'mfa']);
    // A password-only login of a user without a second factor says so.
    const plain = await registeredUser(app);
    expect(claimsOf(plain.token).amr).toEqual(['pwd']);
  });

  test('no replay: a code accepted once is refused with a fresh mfa_token; the next step code works', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const code = codeNow(secret, clock);
    expect((await otpGrant(app, await passwordStep(app, user), code)).status).toBe(200);
    const replay = await otpGrant(app, await passwordStep(app, user), code);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    clock.advance(30);
    expect((await otpGrant(app, await passwordStep(app, user), codeNow(secret, clock))).status).toBe(200);
  });

  test('an mfa_token dies after one success', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const mfaToken = await passwordStep(app, user);
    expect((await otpGrant(app, mfaToken, codeNow(secret, clock))).status).toBe(200);
    clock.advance(30);
    expect((await otpGrant(app, mfaToken, codeNow(secret, clock))).status).toBe(400);
  });

  test('an mfa_token dies after 5 wrong codes: the right code is then refused', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const mfaToken = await passwordStep(app, user);
    for (let i = 0; i < 5; i += 1)
      expect((await otpGrant(app, mfaToken, wrongCode(codeNow(secret, clock)))).status).toBe(400);
    expect((await otpGrant(app, mfaToken, codeNow(secret, clock))).status).toBe(400);
    // A new login works: the code was not spent by the refusal.
    expect((await otpGrant(app, await passwordStep(app, user), codeNow(secret, clock))).status).toBe(200);
  });

  test('an mfa_token lives 5 minutes', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const mfaToken = await passwordStep(app, user);
    clock.advance(301);
    expect((await otpGrant(app, mfaToken, codeNow(secret, clock))).status).toBe(400);
  });

  test('unknown mfa_token → 400 invalid_grant; a missing otp → 400 invalid_request', async () => {
    const unknown = await otpGrant(app, 'A'.repeat(43), '123456');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    const missing = await app.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${encodeURIComponent('urn:tollgate:params:oauth:grant-type:mfa-otp')}&mfa_token=abc`,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as OAuthErrorBody).error).toBe('invalid_request');
  });

  test('concurrent submissions of one code: exactly one wins', async () => {
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const mfaTokens = [];
    for (let i = 0; i < 5; i += 1) mfaTokens.push(await passwordStep(app, user));
    const code = codeNow(secret, clock);
    const statuses = await Promise.all(mfaTokens.map(async (t) => (await otpGrant(app, t, code)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
  });
});

describe('mfa-recovery-code grant', () => {
  test('tokens with amr [pwd, mfa]; the code is spent: the same code again → 400', async () => {
    const user = await registeredUser(app);
    const { recoveryCodes } = await enrol(app, user, clock);
    const code = recoveryCodes[3] ?? '';
    const response = await recoveryGrant(app, await passwordStep(app, user), code);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenBody;
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd', 'mfa']);
    const refreshed = (await (await refresh(app, tokens.refresh_token ?? '')).json()) as TokenBody;
    expect(claimsOf(refreshed.access_token).amr).toEqual(['pwd', 'mfa']);

    const again = await recoveryGrant(app, await passwordStep(app, user), code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as OAuthErrorBody).error).toBe('invalid_grant');
    // Another user's code is no code of this user.
    const other = await registeredUser(app);
    const otherCodes = await enrol(app, other, clock);
    expect((await recoveryGrant(app, await passwordStep(app, user), otherCodes.recoveryCodes[0] ?? '')).status).toBe(
      400,
    );
  });
});

describe('resetUserMfa (admin)', () => {
  test("204: the second factor is gone and the user's sessions end; the password alone logs in", async () => {
    const admin = await registeredAdmin(app);
    const user = await registeredUser(app);
    const { secret } = await enrol(app, user, clock);
    const session = (await (
      await otpGrant(app, await passwordStep(app, user), codeNow(secret, clock))
    ).json()) as TokenBody;
    const me = await app.client.GET('/users/me', { headers: user.auth });
    const { response } = await app.client.DELETE('/users/{id}/mfa', {
      params: { path: { id: me.data?.id ?? 0 } },
      headers: admin.auth,
    });
    expect(response.status).toBe(204);
    expect(await meStatus(app, session.access_token)).toBe(401);
    expect(await meStatus(app, user.token)).toBe(401);
    expect((await refresh(app, session.refresh_token ?? '')).status).toBe(400);
    const fresh = await login(app, user.username, user.password);
    expect(fresh.status).toBe(200);
    expect(claimsOf(((await fresh.json()) as TokenBody).access_token).amr).toEqual(['pwd']);
  });

  test('unknown user → 404; a user token → 403', async () => {
    const admin = await registeredAdmin(app);
    const user = await registeredUser(app);
    expect(
      (await app.client.DELETE('/users/{id}/mfa', { params: { path: { id: 2147483647 } }, headers: admin.auth }))
        .response.status,
    ).toBe(404);
    expect(
      (await app.client.DELETE('/users/{id}/mfa', { params: { path: { id: 1 } }, headers: user.auth })).response.status,
    ).toBe(403);
  });
});
