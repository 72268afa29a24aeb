import { parseSetCookie } from 'cookie';
import { movableClock } from '../support/clock';
import { bearer, login, refresh, registeredUser, tokenRequest, type TokenBody } from '../support/flows';
import { claimsOf, enrol, meStatus } from '../support/mfa';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 21 item 11: enabling a second factor ends the password-only sessions; ending one's own session clears the cookie. */
const clock = movableClock();

describe('confirmTotpEnrolment ends the other sessions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({}, clock);
  });
  afterAll(() => app?.close());

  test("another session's refresh and access tokens stop working; the enrolling session lives on", async () => {
    const user = await registeredUser(app);
    // Someone else's login with the same password (or the user's other device).
    const other = (await (await login(app, user.username, user.password)).json()) as TokenBody;
    expect(await meStatus(app, other.access_token)).toBe(200);
    await enrol(app, user, clock);
    expect(await meStatus(app, other.access_token)).toBe(401);
    expect((await refresh(app, other.refresh_token ?? '')).status).toBe(400);
    // The session that enrolled still works, access and refresh alike.
    expect(await meStatus(app, user.token)).toBe(200);
    const refreshed = await refresh(app, user.refreshToken);
    expect(refreshed.status).toBe(200);
    const sessions = await app.client.GET('/users/me/sessions', { headers: user.auth });
    expect(sessions.data?.items.map((s) => s.id)).toEqual([claimsOf(user.token).sid]);
  });
});

describe('endSession of the current session in cookie mode', () => {
  const ORIGIN = 'https://app.example.com';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ REFRESH_COOKIE: 'true', ALLOWED_ORIGINS: ORIGIN }, clock);
  });
  afterAll(() => app?.close());

  async function browserLogin(username: string, password: string): Promise<string> {
    const request = tokenRequest({ grant_type: 'password', username, password });
    const response = await app.raw('/token', { ...request, headers: { ...(request.headers as Record<string, string>), origin: ORIGIN } });
    expect(response.status).toBe(200);
    return ((await response.json()) as TokenBody).access_token;
  }

  test('ending the current session clears the __Host- refresh cookie; ending another one does not touch it', async () => {
    const user = await registeredUser(app);
    const current = await browserLogin(user.username, user.password);
    const other = await browserLogin(user.username, user.password);
    const endOther = await app.client.DELETE('/users/me/sessions/{sessionId}', { params: { path: { sessionId: claimsOf(other).sid ?? '' } }, headers: bearer(current) });
    expect(endOther.response.status).toBe(204);
    expect(endOther.response.headers.get('set-cookie')).toBeNull();
    const endCurrent = await app.client.DELETE('/users/me/sessions/{sessionId}', { params: { path: { sessionId: claimsOf(current).sid ?? '' } }, headers: bearer(current) });
    expect(endCurrent.response.status).toBe(204);
    const cookie = parseSetCookie(endCurrent.response.headers.get('set-cookie') ?? '');
    expect(cookie).toMatchObject({ name: '__Host-tollgate_refresh', value: '', maxAge: 0, path: '/', secure: true, httpOnly: true });
  });
});
