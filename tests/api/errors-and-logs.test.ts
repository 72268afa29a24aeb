import { captureLogs } from '../support/log-capture';
import { login, registeredUser } from '../support/flows';
import { startTestApp } from '../support/test-app';

test('an unexpected failure → 500 problem with a request id that is also in the log, no stack trace', async () => {
  const logs = captureLogs();
  const app = await startTestApp({}, undefined, logs);
  const user = await registeredUser(app);
  await app.server.services.db.destroy(); // a real fault: the database goes away under the running app
  const response = await app.raw('/users/me', { headers: user.auth });
  const text = await response.text();
  expect(response.status).toBe(500);
  const problem = JSON.parse(text) as { code: string; request_id: string };
  expect(problem.code).toBe('internal_error');
  expect(response.headers.get('x-request-id')).toBe(problem.request_id);
  expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  expect(logs.text()).toContain(problem.request_id);
  await app.close().catch(() => undefined);
});

test('the token endpoint answers an unexpected failure with server_error', async () => {
  const app = await startTestApp();
  await app.server.services.db.destroy();
  const response = await login(app, 'alice', 'whatever pw');
  expect(response.status).toBe(500);
  expect(((await response.json()) as { error: string }).error).toBe('server_error');
  await app.close().catch(() => undefined);
});

test('no password, token or secret ever reaches the log', async () => {
  const logs = captureLogs();
  const app = await startTestApp({}, undefined, logs);
  const user = await registeredUser(app);
  await login(app, user.username, 'a wrong password attempt');
  await app.raw('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"password":"${user.password}-malformed` });
  await app.client.GET('/users/me', { headers: user.auth });
  await app.client.GET('/users/me', { headers: { Authorization: 'Bearer forged.token.value' } });
  await app.close();
  const text = logs.text();
  expect(text).toContain('"operation_id":"issueToken"'); // the log did capture these requests
  for (const secret of [user.password, 'a wrong password attempt', user.token, 'forged.token.value', 'test-secret-test-secret']) {
    expect(text).not.toContain(secret);
  }
});
