import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../../scripts/support/server-process';
import { runToExit } from '../support/run-to-exit';
import { serverDir } from '../support/server-dir';

jest.setTimeout(60_000);
afterAll(() => killServerProcesses());

let counter = 0;
async function register(
  server: ServerProcess,
): Promise<{ status: number; retryAfter: string | null; code?: string; username: string }> {
  counter += 1;
  const username = `sqlite_fault_${counter}`;
  const body = JSON.stringify({ username, email: `${username}@example.com`, password: `password-of-${username}` });
  const response = await fetch(`${server.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const parsed = (await response.json()) as { code?: string };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), code: parsed.code, username };
}

async function readMe(server: ServerProcess, token: string): Promise<number> {
  return (await fetch(`${server.url}/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function tokenFor(server: ServerProcess, username: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'password',
    username,
    password: `password-of-${username}`,
  }).toString();
  const response = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const expectDatabaseUnavailable = (answer: Awaited<ReturnType<typeof register>>) =>
  expect({ status: answer.status, code: answer.code, retryAfter: answer.retryAfter }).toEqual({
    status: 503,
    code: 'database_unavailable',
    retryAfter: expect.stringMatching(/^[1-9]\d*$/),
  });

describe('SQLite: the database file disappears while the server runs', () => {
  it.each([
    [
      'its folder is removed',
      (file: string) => rmSync(path.dirname(file), { recursive: true, force: true }),
      'removed',
    ],
    [
      'a copy is moved over it',
      (file: string) => (copyFileSync(file, `${file}.copy`), renameSync(`${file}.copy`, file)),
      'replaced',
    ],
  ])('%s: writes get 503, readiness fails, an error is logged', async (_name, damage, reason) => {
    const folder = serverDir();
    const server = await startServerProcess(folder.env);
    try {
      const before = await register(server);
      expect(before.status).toBe(201);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

      damage(folder.file);
      expectDatabaseUnavailable(await register(server));
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const logged = await server.logged(
        (line) => typeof line.msg === 'string' && line.msg.includes(`was ${reason} while the server ran`),
      );
      expect(logged.level).toBe(50);
    } finally {
      await server.stop();
      folder.remove();
    }
  });
});

// As root the server runs as nobody (root writes to any file whatever its mode), which needs to reach
// node and the build: a checkout under a private folder (/root) cannot be run that way.
const BUILT_MAIN = path.resolve(__dirname, '../../dist/src/main.js');
const nobodyCannotRun =
  process.getuid?.() === 0 &&
  spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BUILT_MAIN)}, 4)`], {
    uid: 65534,
    gid: 65534,
  }).status !== 0;
if (nobodyCannotRun) console.warn(`skipped: user nobody cannot run ${process.execPath} on ${BUILT_MAIN}`);

describe('SQLite: a read-only database file', () => {
  (nobodyCannotRun ? it.skip : it)('is a startup error, not a server whose logins fail later', async () => {
    const folder = serverDir();
    try {
      const first = await startServerProcess(folder.env);
      await first.stop();
      chmodSync(folder.file, 0o444);
      // root writes to any file whatever its mode: run the server as nobody, which cannot.
      chmodSync(folder.dir, 0o777);
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const { code, stderr } = await runToExit(folder.env, asNobody);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tollgate failed to start: .*is read-only/)]);
    } finally {
      folder.remove();
    }
  });
});

const tmpfsDir = mkdtempSync(path.join(tmpdir(), 'tollgate-tmpfs-'));
const mountProblem = ((): string | undefined => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', tmpfsDir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mounting a small tmpfs is not permitted here (${String(error).split('\n')[0]})`;
  }
})();
if (mountProblem) process.stderr.write(`tests/process/sqlite-faults.test.ts disk-full test skipped: ${mountProblem}\n`);
afterAll(() => {
  if (!mountProblem) execFileSync('umount', ['-l', tmpfsDir]);
  rmSync(tmpfsDir, { recursive: true, force: true });
});

/** Fills the file system with one file until it refuses more; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
  return filler;
}

(mountProblem ? describe.skip : describe)('SQLite: disk full (a 4 MB tmpfs)', () => {
  it('answers writes 503 with Retry-After, keeps serving reads, recovers once space is freed, loses nothing acknowledged', async () => {
    const file = path.join(tmpfsDir, 'tollgate.db');
    const folder = serverDir();
    folder.remove();
    const server = await startServerProcess({ ...folder.env, DATABASE_URL: `sqlite:${file}` });
    const acknowledged: string[] = [];
    try {
      const first = await register(server);
      expect(first.status).toBe(201);
      acknowledged.push(first.username);
      const token = await tokenFor(server, first.username);

      const filler = fillDisk(tmpfsDir);
      const during = [];
      for (let i = 0; i < 40; i += 1) {
        const answer = await register(server);
        if (answer.status === 201) acknowledged.push(answer.username);
        during.push(answer);
      }
      expect(during.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
      const refused = during.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) expectDatabaseUnavailable(answer);
      expect(await readMe(server, token)).toBe(200);

      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(
        /^tollgate_database_errors_total\{kind="disk_full"\} [1-9]/m,
      );

      rmSync(filler);
      const after = await register(server);
      expect(after.status).toBe(201);
      acknowledged.push(after.username);
    } finally {
      await server.stop();
    }
    const db = new Database(file, { readonly: true });
    const stored = new Set(
      (db.prepare('select username from users').all() as { username: string }[]).map((r) => r.username),
    );
    db.close();
    expect(acknowledged.filter((u) => !stored.has(u))).toEqual([]);
  });
});
