import { captureLogs } from '../support/log-capture';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const logs = captureLogs();

beforeAll(async () => {
  app = await startTestApp({ MAIL_POLL_INTERVAL: '50' }, undefined, logs);
});
afterAll(() => app?.close());

test('without SMTP_URL (development) each mail is one structured log line: to, subject and the link', async () => {
  const email = `devlog_${process.pid}@example.com`;
  await app.client.POST('/users', { body: { username: `devlog_${process.pid}`, email, password: 'a long enough password' } });
  let line: Record<string, unknown> | undefined;
  for (let waited = 0; !line && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    line = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('"mail":"development"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.to === email);
  }
  expect(line).toMatchObject({ to: email, subject: 'Confirm your tollgate email address', link: expect.stringMatching(/^http:\/\/localhost:0\/ui\/verify-email\?token=[A-Za-z0-9_-]{43}$/) });
});
