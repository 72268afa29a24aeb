import type { AuditEvent } from '../../src/audit';
import { captureLogs } from '../support/log-capture';
import { bearer, login, refresh, registeredAdmin, registeredUser, revoke, type TokenBody } from '../support/flows';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

interface LogLine {
  audit?: boolean;
  event?: AuditEvent;
  request_id?: string;
  user_id?: number;
  reason?: string;
}

const logs = captureLogs();
let app: TestApp;
const secrets: string[] = [TEST_SECRET];
const requestIds = new Map<AuditEvent, string>();

/** Remembers every token handed out, to look for it in the log afterwards. */
async function tokens(response: Response): Promise<TokenBody> {
  const body = (await response.json()) as TokenBody;
  secrets.push(body.access_token, body.refresh_token ?? '');
  return body;
}

async function loginAs(username: string, password: string, event?: AuditEvent): Promise<TokenBody> {
  const response = await login(app, username, password);
  if (event) requestIds.set(event, response.headers.get('x-request-id') ?? '');
  return tokens(response);
}

// Every flow of the suite, in one app whose log is kept: throttling after 2 failures, any reuse is theft.
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES: '2', REFRESH_REUSE_GRACE: '0' }, undefined, logs);
  const alice = await registeredUser(app);
  const mallory = await registeredUser(app);
  secrets.push(alice.password, alice.token, alice.refreshToken, mallory.password, mallory.token, mallory.refreshToken);

  secrets.push('first wrong guess', 'second wrong guess');
  await login(app, mallory.username, 'first wrong guess');
  await login(app, mallory.username, 'second wrong guess');
  requestIds.set('login_throttled', (await login(app, mallory.username, mallory.password)).headers.get('x-request-id') ?? '');
  await login(app, 'no_such_user_here', 'password of nobody');
  secrets.push('password of nobody');

  await tokens(await refresh(app, alice.refreshToken));
  await refresh(app, alice.refreshToken); // reuse: the family dies
  const device = await loginAs(alice.username, alice.password);
  await app.client.POST('/todos', { headers: bearer(device.access_token), body: { title: 'Buy milk' } });
  await app.client.GET('/todos', { headers: bearer(device.access_token) });
  await revoke(app, device.refresh_token ?? '');

  const everywhere = await loginAs(alice.username, alice.password, 'login_succeeded');
  await app.client.DELETE('/users/me/sessions', { headers: bearer(everywhere.access_token) });

  const current = await loginAs(alice.username, alice.password);
  const newPassword = 'a brand new passphrase';
  secrets.push(newPassword, 'not my current password');
  await app.client.PUT('/users/me/password', { headers: bearer(current.access_token), body: { current_password: 'not my current password', new_password: newPassword } });
  await app.client.PUT('/users/me/password', { headers: bearer(current.access_token), body: { current_password: alice.password, new_password: newPassword } });
  const latest = await loginAs(alice.username, newPassword);

  const admin = await registeredAdmin(app);
  secrets.push(admin.password, admin.token, admin.refreshToken);
  const { data: me } = await app.client.GET('/users/me', { headers: bearer(latest.access_token) });
  await app.client.PATCH('/users/{id}', { params: { path: { id: me?.id ?? 0 } }, body: { is_active: false }, headers: admin.auth });

  secrets.push('forged.token.value', 'malformed-body-password');
  await app.client.GET('/users/me', { headers: bearer('forged.token.value') });
  await app.raw('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"malformed-body-password' });
  await app.close();
});

const lines = (): LogLine[] => logs.text().trim().split('\n').map((line) => JSON.parse(line) as LogLine);

test('after every flow of the suite, no password, access token, refresh token or the JWT secret is in the log', () => {
  const text = logs.text();
  expect(secrets.filter((s) => s.length >= 8).length).toBeGreaterThan(20);
  for (const secret of secrets.filter((s) => s.length > 0)) expect(text).not.toContain(secret);
});

test.each<AuditEvent>([
  'user_registered',
  'login_succeeded',
  'login_failed',
  'login_throttled',
  'refresh_token_reuse_detected',
  'refresh_token_revoked',
  'logout_everywhere',
  'password_change_failed',
  'password_changed',
  'user_updated',
])('%s is logged as an audit event with the request id and the user id', (event) => {
  const found = lines().filter((line) => line.audit && line.event === event);
  expect(found.length).toBeGreaterThan(0);
  for (const line of found) {
    expect(line.request_id).toMatch(/^[0-9a-f-]{36}$/);
    if (line.reason !== 'unknown_user') expect(line.user_id).toEqual(expect.any(Number));
  }
  const expected = requestIds.get(event);
  if (expected) expect(found.map((line) => line.request_id)).toContain(expected);
});

test('a login with an unknown username is logged without one: people type passwords into that field', () => {
  const unknown = lines().find((line) => line.event === 'login_failed' && line.user_id === undefined);
  expect(unknown).toMatchObject({ audit: true, reason: 'unknown_user' });
  expect(logs.text()).not.toContain('no_such_user_here');
});
