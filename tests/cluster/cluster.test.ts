import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { LOAD_FROM_ONE_IP, startServerProcess, type ServerProcess } from '../../scripts/support/server-process';
import { TEST_SECRET } from '../support/test-app';

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');
const USERS = 24;
const TODOS_EACH = 5;
const ROTATIONS = 4;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface LogLine {
  msg?: string;
  worker?: number;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One person on their own: register, log in, write todos concurrently, rotate the refresh token. Returns every status seen. */
async function person(url: string, i: number): Promise<number[]> {
  const username = `cluster${i}`;
  const password = `password-${i}-long`;
  const created = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password }),
  });
  const token = await fetch(`${url}/token`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  const { access_token, refresh_token } = (await token.json()) as { access_token: string; refresh_token: string };
  const writes = await Promise.all(
    Array.from({ length: TODOS_EACH }, (_, t) =>
      fetch(`${url}/todos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `todo ${t}` }),
      }),
    ),
  );
  // Rotation is a read-then-write transaction: the case that SQLITE_BUSY broke across processes.
  const rotations: number[] = [];
  for (let r = 0, current = refresh_token; r < ROTATIONS; r += 1) {
    const rotated = await fetch(`${url}/token`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current }).toString(),
    });
    rotations.push(rotated.status);
    current = ((await rotated.json()) as { refresh_token: string }).refresh_token;
  }
  return [created.status, token.status, ...writes.map((w) => w.status), ...rotations];
}

describe('WORKERS=2 on SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cluster-'));
  const file = path.join(dir, 'cluster.db');
  const logs: LogLine[] = [];
  let buffered = '';
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(
      {
        WORKERS: '2',
        DATABASE_URL: `sqlite:${file}`,
        BCRYPT_COST: '4',
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'info',
        ...LOAD_FROM_ONE_IP,
      },
      {
        main: MAIN,
        onStdout: (chunk) => {
          const lines = (buffered + chunk).split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
        },
      },
    );
    await waitFor(() => logs.filter((l) => l.msg === 'tollgate is listening').length === 2, 'both workers to listen');
  }, 120_000);

  afterAll(async () => {
    if (server.child.exitCode === null) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent registrations, todo writes and refresh rotations all succeed, served by both workers, none lost', async () => {
    const statuses = (await Promise.all(Array.from({ length: USERS }, (_, i) => person(server.url, i)))).flat();
    expect(statuses.filter((s) => s < 200 || s >= 300)).toEqual([]);

    const servedBy = new Set(logs.filter((l) => l.msg === 'request' && l.worker !== undefined).map((l) => l.worker));
    expect(servedBy.size).toBe(2);

    const sqlite = new SqliteDatabase(file, { readonly: true });
    try {
      expect(sqlite.prepare("SELECT count(*) AS n FROM users WHERE username LIKE 'cluster%'").get()).toEqual({
        n: USERS,
      });
      expect(sqlite.prepare('SELECT count(*) AS n FROM todos').get()).toEqual({ n: USERS * TODOS_EACH });
    } finally {
      sqlite.close();
    }
  }, 120_000);

  test('SIGTERM to the primary stops every worker and exits 0', async () => {
    const workers = [...new Set(logs.map((l) => l.worker).filter((w): w is number => w !== undefined))];
    expect(workers).toHaveLength(2);
    expect(await server.stop()).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
  }, 60_000);
});
