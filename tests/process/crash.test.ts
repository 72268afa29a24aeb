import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { components } from '../../generated/api';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../../scripts/support/server-process';
import { serverDir } from '../support/server-dir';

type User = components['schemas']['User'];
type Todo = components['schemas']['Todo'];

jest.setTimeout(240_000);

const WORKERS = 8;
const TODOS_PER_USER = 5;
// Kill once this many todos have been acknowledged (their users come with them); the load keeps
// running until the kill, so writes are in flight when it lands.
const TODOS_BEFORE_KILL = 120;
const BCRYPT_HASH = /^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/;

interface Credentials {
  username: string;
  email: string;
  password: string;
}

/** Every write the server acknowledged with a 2xx, with the body it answered. */
interface Acknowledged {
  users: Array<{ credentials: Credentials; body: User }>;
  todos: Array<{ owner: string; body: Todo }>;
}

class Load {
  readonly acknowledged: Acknowledged = { users: [], todos: [] };
  inFlight = 0;
  stopped = false;
  private reachedThreshold!: () => void;
  readonly threshold = new Promise<void>((resolve) => (this.reachedThreshold = resolve));

  constructor(private readonly server: ServerProcess) {}

  /** POST with a JSON or form body; undefined once the server is gone. */
  async post(
    path: string,
    body: object,
    token?: string,
    form = false,
  ): Promise<{ status: number; body: unknown } | undefined> {
    this.inFlight += 1;
    try {
      const response = await fetch(this.server.url + path, {
        method: 'POST',
        headers: {
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    } catch {
      return undefined;
    } finally {
      this.inFlight -= 1;
    }
  }

  private noteTodo(): void {
    if (this.acknowledged.todos.length >= TODOS_BEFORE_KILL) this.reachedThreshold();
  }

  /** One client: register a user, log in, create todos; again, until the server dies. */
  async run(worker: number): Promise<void> {
    for (let round = 0; !this.stopped; round += 1) {
      const username = `crash${worker}_${round}`;
      const credentials = { username, email: `${username}@example.com`, password: `password of ${username}` };
      const created = await this.post('/users', credentials);
      if (created?.status !== 201) continue;
      this.acknowledged.users.push({ credentials, body: created.body as User });
      const login = await this.post(
        '/token',
        { grant_type: 'password', username, password: credentials.password },
        undefined,
        true,
      );
      if (login?.status !== 200) continue;
      const token = (login.body as { access_token: string }).access_token;
      for (let i = 0; i < TODOS_PER_USER && !this.stopped; i += 1) {
        // Quotes and non-ASCII: the stored text must come back exactly.
        const todo = await this.post(
          '/todos',
          { title: `todo ${i} of ${username}: "ünïcødé" ✓ 'quoted'`, done: i % 2 === 0 },
          token,
        );
        if (todo?.status !== 201) continue;
        this.acknowledged.todos.push({ owner: username, body: todo.body as Todo });
        this.noteTodo();
      }
    }
  }
}

/** A copy of the crashed files, checked with SQLite's own tools; the server later recovers the originals itself. */
function inspectCopy(file: string, acknowledged: Acknowledged): void {
  const copyDir = mkdtempSync(path.join(tmpdir(), 'tollgate-crash-copy-'));
  try {
    const copy = path.join(copyDir, 'copy.db');
    copyFileSync(file, copy);
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = new Database(copy);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const hashes = db.prepare('SELECT password_hash FROM users').pluck().all() as string[];
    expect(hashes.filter((hash) => !BCRYPT_HASH.test(hash))).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM todos WHERE owner_id NOT IN (SELECT id FROM users)').pluck().get()).toBe(0);
    const stored = new Map(
      (
        db.prepare('SELECT id, title, done, created_at, updated_at FROM todos').all() as Array<
          Omit<Todo, 'done'> & { done: number }
        >
      ).map((row) => [row.id, row]),
    );
    for (const { body } of acknowledged.todos)
      expect(stored.get(body.id)).toEqual({ ...body, done: body.done ? 1 : 0 });
    db.close();
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
}

async function call(
  server: ServerProcess,
  pathname: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(server.url + pathname, init);
  return { status: response.status, body: await response.json() };
}

afterAll(killServerProcesses);

describe('kill -9 under a write load', () => {
  it('keeps every acknowledged registration and todo, and the database intact', async () => {
    const folder = serverDir();
    const env = { ...folder.env, PASSWORD_THREADS: '2' };
    try {
      const first = await startServerProcess(env);
      const load = new Load(first);
      const clients = Array.from({ length: WORKERS }, (_, worker) => load.run(worker));
      await load.threshold;
      const inFlightAtKill = load.inFlight;
      first.child.kill('SIGKILL');
      load.stopped = true;
      await Promise.all(clients);

      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(inFlightAtKill).toBeGreaterThan(0);
      expect(existsSync(`${folder.file}-wal`)).toBe(true);
      const { acknowledged } = load;
      expect(acknowledged.todos.length).toBeGreaterThanOrEqual(TODOS_BEFORE_KILL);
      expect(acknowledged.users.length).toBeGreaterThanOrEqual(TODOS_BEFORE_KILL / TODOS_PER_USER);
      inspectCopy(folder.file, acknowledged);

      const second = await startServerProcess(env);
      try {
        const tokens = new Map<string, string>();
        for (const { credentials, body } of acknowledged.users) {
          const login = await call(second, '/token', {
            method: 'POST',
            body: new URLSearchParams({
              grant_type: 'password',
              username: credentials.username,
              password: credentials.password,
            }),
          });
          expect(login.status).toBe(200);
          const token = (login.body as { access_token: string }).access_token;
          tokens.set(credentials.username, token);
          expect(await call(second, '/users/me', { headers: { authorization: `Bearer ${token}` } })).toEqual({
            status: 200,
            body,
          });
        }
        for (const { owner, body } of acknowledged.todos) {
          expect(
            await call(second, `/todos/${body.id}`, { headers: { authorization: `Bearer ${tokens.get(owner)}` } }),
          ).toEqual({ status: 200, body });
        }
        // And the recovered database takes new writes.
        expect(
          (
            await call(second, '/users', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                username: 'after',
                email: 'after@example.com',
                password: 'password after the crash',
              }),
            })
          ).status,
        ).toBe(201);
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      folder.remove();
    }
  });
});
