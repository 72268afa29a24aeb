import { Client } from 'pg';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../../scripts/support/server-process';
import { readyz, untilReady, workerPids } from '../support/instance-probes';
import { createPrivatePostgres, privatePostgresUnavailable, type PrivatePostgres } from '../support/private-postgres';
import { runToExit } from '../support/run-to-exit';
import { serverDir } from '../support/server-dir';
import { brokenPromises, firstSuccessAfter, startWriteLoad } from '../support/write-ledger';

// Restarts, stops and locks a PostgreSQL cluster of this file's own: never the shared one on 5432.
const unavailable = privatePostgresUnavailable();
if (unavailable) process.stderr.write(`tests/process/postgres-faults.test.ts skipped: ${unavailable}\n`);
const describeWithCluster = unavailable ? describe.skip : describe;

const DATABASE_TIMEOUT_S = 2;
const RECOVERY_BOUND_MS = 5000;
// Generous for a shared 2-core machine; without DATABASE_TIMEOUT the wait would last the whole fault.
const ANSWER_BOUND_MS = DATABASE_TIMEOUT_S * 1000 + 6000;

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const folder = serverDir();
let pg: PrivatePostgres;
let instances: ServerProcess[] = [];

const envFor = (url: string, extra: Record<string, string> = {}) => ({ ...folder.env, DATABASE_URL: url, DATABASE_TIMEOUT: String(DATABASE_TIMEOUT_S), ...extra });

beforeAll(async () => {
  if (unavailable) return;
  pg = await createPrivatePostgres('tollgate_faults');
  // Two instances on one database, as the scale-out story has it; one of them a WORKERS=2 cluster.
  instances = [await startServerProcess(envFor(pg.url, { WORKERS: '2' })), await startServerProcess(envFor(pg.url))];
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  killServerProcesses();
  pg?.drop();
  folder.remove();
});

async function registeredUsernames(): Promise<Set<string>> {
  const rows = (await pg.query('select username from users')) as { username: string }[];
  return new Set(rows.map((r) => r.username));
}

function expectAlive(): void {
  for (const instance of instances) expect({ url: instance.url, exit: instance.child.exitCode, signal: instance.child.signalCode }).toEqual({ url: instance.url, exit: null, signal: null });
}

async function expectLedgerKept(acknowledged: readonly string[]): Promise<void> {
  const stored = await registeredUsernames();
  expect(acknowledged.filter((username) => !stored.has(username))).toEqual([]);
}

describeWithCluster('PostgreSQL restarts and stops under load (a private cluster)', () => {
  it('survives a restart: no instance dies, only 503 with Retry-After meanwhile, 2xx again within 5 s, no acknowledged write lost', async () => {
    const load = startWriteLoad(instances.map((i) => i.url), 10, 'restart_');
    await sleep(1000);
    await pg.restart();
    const back = Date.now();
    await sleep(RECOVERY_BOUND_MS + 500);
    await load.stop();

    expectAlive();
    expect(brokenPromises(load.outcomes)).toEqual([]);
    for (const ms of firstSuccessAfter(load.outcomes, instances.length, back)) expect(ms).toBeLessThan(RECOVERY_BOUND_MS);
    expect(load.acknowledged.length).toBeGreaterThan(0);
    await expectLedgerKept(load.acknowledged);
  });

  it('survives a stop: 503 with Retry-After and /readyz 503 while it is down, 200 and 2xx within 5 s of its start, no write lost', async () => {
    const load = startWriteLoad(instances.map((i) => i.url), 10, 'stop_');
    await sleep(1000);
    await pg.stop();
    await sleep(DATABASE_TIMEOUT_S * 1000 + 1000);
    const during = await Promise.all(instances.map(readyz));
    await sleep(2000);
    await pg.start();
    const back = Date.now();
    const readyAfter = await Promise.all(instances.map((i) => untilReady(i, RECOVERY_BOUND_MS)));
    await sleep(RECOVERY_BOUND_MS);
    await load.stop();

    expectAlive();
    expect(during).toEqual([503, 503]);
    for (const ms of readyAfter) expect(ms).toBeLessThan(RECOVERY_BOUND_MS);
    expect(brokenPromises(load.outcomes)).toEqual([]);
    expect(load.outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    for (const ms of firstSuccessAfter(load.outcomes, instances.length, back)) expect(ms).toBeLessThan(RECOVERY_BOUND_MS);
    await expectLedgerKept(load.acknowledged);
  });

  it('WORKERS=2: a worker replaced while PostgreSQL is down waits for it, and the primary keeps the cluster up', async () => {
    const [clustered] = instances as [ServerProcess];
    const workers = workerPids(clustered);
    expect(workers.length).toBe(2);
    await pg.stop();
    process.kill(workers[0] ?? 0, 'SIGKILL');
    await sleep(3000);
    await pg.start();
    expect(await untilReady(clustered, 15_000)).toBeLessThan(15_000);
    await clustered.logged((line) => line.msg === 'a worker died; starting a replacement');
    // The replacement (started while the database was down) retried instead of failing its start,
    // which made the old primary stop the whole cluster.
    await sleep(2000);
    const now = workerPids(clustered);
    expect(now.length).toBe(2);
    expect(now).not.toContain(workers[0]);
    expectAlive();
  });

  it('bounds the wait for a locked table with a 503, and the abandoned write never commits', async () => {
    const [instance] = instances as [ServerProcess];
    const token = await userToken(instance, 'locker');
    const title = `written while locked ${Date.now()}`;
    const locker = new Client({ connectionString: pg.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table todos in access exclusive mode');
      const started = Date.now();
      const response = await postTodo(instance, token, title);
      expect(Date.now() - started).toBeLessThan(ANSWER_BOUND_MS);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(((await response.json()) as { code: string }).code).toBe('database_unavailable');
    } finally {
      await locker.query('commit');
      await locker.end();
    }
    await sleep(1000);
    expect(await pg.query(`select id from todos where title = '${title}'`)).toEqual([]);
    expect((await postTodo(instance, token, `${title} again`)).status).toBe(201);

    const metrics = await (await fetch(`${instance.url}/metrics`)).text();
    expect(metrics).toMatch(/^tollgate_database_errors_total\{kind="lock_timeout"\} [1-9]/m);
    expect(metrics).toMatch(/^tollgate_database_pool_waiting \d+$/m);
    expect(metrics).toMatch(/^tollgate_database_connection_wait_seconds_count [1-9]/m);
  });
});

describeWithCluster('startup while PostgreSQL is down', () => {
  it('retries with backoff, logging each attempt, and serves once the database comes up', async () => {
    await pg.stop();
    // The database comes back only once the server has seen it down: on a loaded machine a fixed
    // sleep could end before the process had even booted, and then no retry would be logged.
    let sawRetry = (): void => undefined;
    const retried = new Promise<void>((resolve) => (sawRetry = resolve));
    const onStdout = (chunk: string) => chunk.includes('database unavailable at startup; retrying') && sawRetry();
    const starting = startServerProcess(envFor(pg.url, { DATABASE_STARTUP_TIMEOUT: '30', LOG_LEVEL: 'warn' }), { onStdout });
    await retried;
    await pg.start();
    const late = await starting;
    try {
      expect(late.logs().filter((line) => line.msg === 'database unavailable at startup; retrying').length).toBeGreaterThan(0);
      expect(await readyz(late)).toBe(200);
    } finally {
      await late.stop();
    }
  });

  it('exits 1 with one clear line after DATABASE_STARTUP_TIMEOUT', async () => {
    await pg.stop();
    try {
      const { code, stderr } = await runToExit(envFor(pg.url, { DATABASE_STARTUP_TIMEOUT: '2' }));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tollgate failed to start: the database was unavailable for DATABASE_STARTUP_TIMEOUT \(2 s\): /)]);
    } finally {
      await pg.start();
    }
  });
});

async function userToken(instance: ServerProcess, name: string): Promise<string> {
  const username = `${name}${Date.now()}`;
  const password = `password-of-${username}`;
  const created = await fetch(`${instance.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, email: `${username}@example.com`, password }) });
  expect(created.status).toBe(201);
  const body = new URLSearchParams({ grant_type: 'password', username, password }).toString();
  const token = await fetch(`${instance.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return ((await token.json()) as { access_token: string }).access_token;
}

function postTodo(instance: ServerProcess, token: string, title: string): Promise<Response> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return fetch(`${instance.url}/todos`, { method: 'POST', headers, body: JSON.stringify({ title }), signal: AbortSignal.timeout(ANSWER_BOUND_MS + 10_000) });
}
