import { freePort, killServerProcesses, startServerProcess } from '../../scripts/support/server-process';
import { serverDir } from '../support/server-dir';
import { startTestSmtp, type TestSmtp } from '../support/smtp';

jest.setTimeout(120_000);
afterAll(killServerProcesses);

const USERS = 10;

async function register(url: string, n: number): Promise<string | undefined> {
  const email = `crashmail${n}@example.com`;
  const response = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `crashmail${n}`, email, password: 'a long enough password' }),
  });
  // A 201 means the verification mail was committed to the outbox before the answer.
  return response.status === 201 ? email : undefined;
}

test('kill -9 with mails queued (SMTP down), then a restart: every acknowledged mail is delivered, once', async () => {
  const folder = serverDir();
  const smtpPort = await freePort();
  // Short lease: the killed process may hold claims; the new one takes them over once they expire.
  const env = {
    ...folder.env,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_RETRY_BASE: '1',
    MAIL_LEASE: '2',
    MAIL_POLL_INTERVAL: '50',
  };
  let smtp: TestSmtp | undefined;
  try {
    const first = await startServerProcess(env);
    const acknowledged: string[] = [];
    for (let n = 0; n < USERS; n += 1) {
      const email = await register(first.url, n);
      if (email) acknowledged.push(email);
    }
    expect(acknowledged).toHaveLength(USERS);
    first.child.kill('SIGKILL');
    await first.exited;

    smtp = await startTestSmtp(smtpPort);
    const second = await startServerProcess(env);
    const server = smtp;
    await Promise.all(acknowledged.map((email) => server.mailTo(email, /Confirm your/, 60_000)));
    for (const email of acknowledged) expect(server.received.filter((m) => m.to === email)).toHaveLength(1);
    expect(await second.stop()).toBe(0);
  } finally {
    killServerProcesses();
    await smtp?.close();
    folder.remove();
  }
});
