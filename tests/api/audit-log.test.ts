import type { AuditEvent } from '../../src/audit';
import { captureLogs } from '../support/log-capture';
import { registerUser } from '../../src/services/registration';
import { bearer, login, refresh, revoke, type TokenBody } from '../support/flows';
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
/** For each audit event, the X-Request-Id of every request that must have logged it, once each. */
const expectedRequestIds = new Map<AuditEvent, string[]>();

/** Notes that the request behind this response must log `event` under the id it answered with. */
function expectAudit(event: AuditEvent, response: Response): Response {
  expectedRequestIds.set(event, [
    ...(expectedRequestIds.get(event) ?? []),
    response.headers.get('x-request-id') ?? 'no X-Request-Id',
  ]);
  return response;
}

/** Remembers every token handed out, to look for it in the log afterwards. */
async function tokens(response: Response): Promise<TokenBody> {
  const body = (await response.json()) as TokenBody;
  secrets.push(body.access_token, body.refresh_token ?? '');
  return body;
}

async function loginAs(username: string, password: string): Promise<TokenBody> {
  return tokens(expectAudit('login_succeeded', await login(app, username, password)));
}

/** Registers over HTTP (or as the operator CLI does, for an admin) and logs in, noting both requests' ids. */
async function signUp(
  name: string,
  role: 'user' | 'admin' = 'user',
): Promise<{ username: string; password: string; token: string; refreshToken: string }> {
  const username = `${name}_${process.pid}`;
  const user = { username, email: `${username}@example.com`, password: `password of ${name}, long enough` };
  if (role === 'admin') await registerUser(app.server.services, user, 'admin');
  else {
    // Registration also queues the verification mail, in the same request.
    const registered = expectAudit('user_registered', (await app.client.POST('/users', { body: user })).response);
    expectAudit('email_verification_requested', registered);
  }
  const body = await loginAs(username, user.password);
  secrets.push(user.password);
  return { ...user, token: body.access_token, refreshToken: body.refresh_token ?? '' };
}

// Every flow of the suite, in one app whose log is kept: throttling after 2 failures, any reuse is theft.
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES: '2', REFRESH_REUSE_GRACE: '0' }, undefined, logs);
  const alice = await signUp('alice');
  const mallory = await signUp('mallory');

  secrets.push('first wrong guess', 'second wrong guess');
  expectAudit('login_failed', await login(app, mallory.username, 'first wrong guess'));
  expectAudit('login_failed', await login(app, mallory.username, 'second wrong guess'));
  expectAudit('login_throttled', await login(app, mallory.username, mallory.password));
  expectAudit('login_failed', await login(app, 'no_such_user_here', 'password of nobody'));
  secrets.push('password of nobody');

  await tokens(await refresh(app, alice.refreshToken));
  expectAudit('refresh_token_reuse_detected', await refresh(app, alice.refreshToken)); // reuse: the family dies
  const device = await loginAs(alice.username, alice.password);
  await app.client.POST('/todos', { headers: bearer(device.access_token), body: { title: 'Buy milk' } });
  await app.client.GET('/todos', { headers: bearer(device.access_token) });
  expectAudit('refresh_token_revoked', await revoke(app, device.refresh_token ?? ''));

  const everywhere = await loginAs(alice.username, alice.password);
  expectAudit(
    'logout_everywhere',
    (await app.client.DELETE('/users/me/sessions', { headers: bearer(everywhere.access_token) })).response,
  );

  const current = await loginAs(alice.username, alice.password);
  const newPassword = 'a brand new passphrase';
  secrets.push(newPassword, 'not my current password');
  const change = (current_password: string) =>
    app.client.PUT('/users/me/password', {
      headers: bearer(current.access_token),
      body: { current_password, new_password: newPassword },
    });
  expectAudit('password_change_failed', (await change('not my current password')).response);
  expectAudit('password_changed', (await change(alice.password)).response);
  const latest = await loginAs(alice.username, newPassword);

  const admin = await signUp('admin', 'admin');
  const { data: me } = await app.client.GET('/users/me', { headers: bearer(latest.access_token) });
  const deactivation = await app.client.PATCH('/users/{id}', {
    params: { path: { id: me?.id ?? 0 } },
    body: { is_active: false },
    headers: bearer(admin.token),
  });
  expectAudit('user_updated', deactivation.response);

  secrets.push('forged.token.value', 'malformed-body-password');
  await app.client.GET('/users/me', { headers: bearer('forged.token.value') });
  await app.raw('/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"password":"malformed-body-password',
  });
  await app.close();
});

const lines = (): LogLine[] =>
  logs
    .text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LogLine);

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
])(
  "%s is logged as an audit event, once per request that caused it, with that request's id and the user id",
  (event) => {
    const found = lines().filter((line) => line.audit && line.event === event);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) {
      if (line.reason !== 'unknown_user') expect(line.user_id).toEqual(expect.any(Number));
    }
    // Every line, not a sample: each carries the X-Request-Id its request answered with.
    expect(found.map((line) => line.request_id).sort()).toEqual([...(expectedRequestIds.get(event) ?? [])].sort());
  },
);

test('the flows above produce exactly the audit events checked by request id, no other', () => {
  const logged = new Set(
    lines()
      .filter((line) => line.audit)
      .map((line) => line.event),
  );
  expect([...logged].sort()).toEqual([...expectedRequestIds.keys()].sort());
});

test('a login with an unknown username is logged without one: people type passwords into that field', () => {
  const unknown = lines().find((line) => line.event === 'login_failed' && line.user_id === undefined);
  expect(unknown).toMatchObject({ audit: true, reason: 'unknown_user' });
  expect(logs.text()).not.toContain('no_such_user_here');
});
