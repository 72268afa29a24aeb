import Database from 'better-sqlite3';
import {
  killServerProcesses,
  startServerProcess,
  type LogLine,
  type ServerProcess,
} from '../../scripts/support/server-process';
import { connectionError, openConnection, rawRequest } from '../support/raw-socket';
import { serverDir } from '../support/server-dir';

// Generous: this 2-core machine is shared, and nothing here depends on being fast.
jest.setTimeout(180_000);

let folder: ReturnType<typeof serverDir>;
beforeEach(() => (folder = serverDir()));
afterEach(() => {
  killServerProcesses();
  folder.remove();
});

const newUser = (name: string) => ({ username: name, email: `${name}@example.com`, password: `password of ${name}` });

function register(server: ServerProcess, user: ReturnType<typeof newUser>): Promise<Response> {
  return fetch(`${server.url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
}

/** Resolves once the server has logged `count` arrivals of `path` (LOG_LEVEL=debug). */
function arrivals(server: ServerProcess, path: string, count: number): Promise<LogLine> {
  let seen = 0;
  return server.logged((line) => line.msg === 'request started' && line.path === path && ++seen === count);
}

const byMessage = (msg: string) => (line: LogLine) => line.msg === msg;

describe('SIGTERM', () => {
  it('stops accepting at once, answers the requests in flight, then exits 0', async () => {
    // bcrypt at cost 12 on one thread: each registration takes a noticeable while, and they queue.
    const server = await startServerProcess({
      ...folder.env,
      BCRYPT_COST: '12',
      PASSWORD_THREADS: '1',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT: '120',
      KEEP_ALIVE_TIMEOUT: '600',
    });
    const idle = await openConnection(server.port);
    idle.socket.write(rawRequest('GET', '/healthz'));
    await server.logged((line) => line.msg === 'request' && line.path === '/healthz' && line.status === 200);

    const users = ['drain1', 'drain2', 'drain3'].map(newUser);
    let answered = 0;
    const responses = users.map((user) =>
      register(server, user).then(
        async (response) => ((answered += 1), { status: response.status, body: await response.json() }),
      ),
    );
    await arrivals(server, '/users', users.length);

    server.child.kill('SIGTERM');
    const draining = await server.logged(byMessage('stopped accepting connections, draining'));
    expect(await connectionError(server.port)).toBe('ECONNREFUSED');
    // The refusal came while registrations were still being hashed, not after the process had gone.
    expect(answered).toBeLessThan(users.length);
    expect(draining.in_flight).toBeGreaterThanOrEqual(1);
    // The idle keep-alive connection is closed now, not after its 600 s keep-alive timeout.
    await idle.closed;

    for (const [i, response] of (await Promise.all(responses)).entries()) {
      expect(response).toEqual({ status: 201, body: expect.objectContaining({ username: users[i]?.username }) });
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['drained: every in-flight request was answered']),
    );
    expect(server.logs().find(byMessage('shutdown complete'))).toMatchObject({ outcome: 'drained' });

    const db = new Database(folder.file, { readonly: true });
    const names = db.prepare('SELECT username FROM users ORDER BY username').pluck().all();
    db.close();
    expect(names).toEqual(users.map((user) => user.username));
  });

  it('cuts off requests that outlast SHUTDOWN_TIMEOUT, exits 1 within the bound, and writes nothing half-done', async () => {
    const shutdownTimeoutS = 1;
    // Cost 15: one hash takes several seconds, far longer than SHUTDOWN_TIMEOUT.
    const server = await startServerProcess({
      ...folder.env,
      BCRYPT_COST: '15',
      PASSWORD_THREADS: '1',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT: String(shutdownTimeoutS),
      REQUEST_TIMEOUT: '600',
    });
    // One request whose body never finishes arriving, one whose handler is busy hashing.
    const halfSent = await openConnection(server.port);
    halfSent.socket.write(
      rawRequest('POST', '/users', { 'Content-Type': 'application/json', 'Content-Length': '1000' }, '{"username"'),
    );
    const hashing = register(server, newUser('toolate')).then(
      (response) => response.status,
      (error: Error) => error.message,
    );
    await arrivals(server, '/users', 2);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const tookMs = Date.now() - signalled;

    expect(exit).toEqual({ code: 1, signal: null });
    expect(tookMs).toBeLessThan(shutdownTimeoutS * 1000 + 20_000);
    expect(await hashing).toBe('fetch failed');
    await halfSent.closed;
    expect(server.logs().find(byMessage('shutdown timeout reached, closing the remaining connections'))).toMatchObject({
      in_flight: 2,
    });
    expect(server.logs().find(byMessage('shutdown complete'))).toMatchObject({ outcome: 'forced' });

    const db = new Database(folder.file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    db.close();
  });
});
