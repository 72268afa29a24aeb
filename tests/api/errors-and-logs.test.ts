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
