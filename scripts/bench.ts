/**
 * `npm run bench`: bare Koa "hello" (the ceiling) and tollgate on a fresh database, driven by
 * autocannon on loopback, one table at the end. A script, never a timed test: figures depend on
 * the machine. Knobs: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_BCRYPT_COST,
 * WORKERS and PASSWORD_THREADS (passed to the server), DATABASE_URL=postgres://… for PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type autocannon from 'autocannon';
import { FORM, passwordGrant, seed, type Seed } from './support/bench-seed';
import { load, warmedLoad, type LoadFigures } from './support/load';
import { LOAD_FROM_ONE_IP, MAIL_FOR_LOAD, startServerProcess } from './support/server-process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BCRYPT_COST = Number(process.env.BENCH_BCRYPT_COST ?? 10);
const LOGIN_FLOOD_CONNECTIONS = 16;
const USERS = 50;
const TODOS_EACH = 20;
const HELLO = path.resolve(__dirname, 'support/hello-koa.js');
const USER_READ = path.resolve(__dirname, 'support/koa-user-read.js');
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
// A run that stops abandons up to one refresh token per connection (consumed, answer unread):
// enough sessions for the warm-up's losses and a full measured run.
const SESSIONS = 2 * CONNECTIONS + 14;

type Case = (seeded: Seed) => autocannon.Request;

function rotating<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length] as T;
}

function bearerRequest(method: 'GET' | 'POST', path: string, body?: unknown): Case {
  return (seeded) => bearerRequestWith(method, path, body, rotating(seeded.users.map((user) => user.accessToken)));
}

function bearerRequestWith(
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  nextToken: () => string,
): autocannon.Request {
  return {
    method,
    path,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    setupRequest: (request) => ({
      ...request,
      headers: { ...request.headers, 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` },
    }),
  };
}

/** The floor: bare Koa reading one user row per request, driven exactly as GET /users/me is. */
async function koaUserRead(dir: string): Promise<LoadFigures> {
  const floor = await startServerProcess({ DATABASE_FILE: path.join(dir, 'floor.db') }, { main: USER_READ });
  const tokens = Array.from({ length: USERS }, (_, i) => `user-${i + 1}`);
  try {
    return await warmedLoad(
      {
        url: floor.url,
        connections: CONNECTIONS,
        seconds: SECONDS,
        request: bearerRequestWith('GET', '/users/me', undefined, rotating(tokens)),
      },
      WARMUP,
    );
  } finally {
    await floor.stop();
  }
}

const passwordLogin: Case = (seeded) => {
  const user = rotating(seeded.users);
  return {
    method: 'POST',
    path: '/token',
    setupRequest: (request) => {
      const { username, password } = user();
      return { ...request, headers: { ...request.headers, ...FORM }, body: passwordGrant(username, password) };
    },
  };
};

/** Each refresh rotates its token: a used one goes out of the shared pool, its successor comes back in. */
const refreshRotation: Case = (seeded) => ({
  method: 'POST',
  path: '/token',
  setupRequest: (request) => {
    const token = seeded.refreshTokens.shift() ?? 'exhausted';
    return {
      ...request,
      headers: { ...request.headers, ...FORM },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
    };
  },
  onResponse: (status, body) => {
    if (status === 200) seeded.refreshTokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
  },
});

const CASES: [string, Case][] = [
  ['GET /users/me', bearerRequest('GET', '/users/me')],
  ['GET /todos (20)', bearerRequest('GET', '/todos?limit=20')],
  ['POST /todos', bearerRequest('POST', '/todos', { title: 'benchmark' })],
  ['POST /token (password)', passwordLogin],
  ['POST /token (refresh)', refreshRotation],
];

/** How many bcryptjs compares one thread does per second at `cost`: the yardstick for the login figure. */
function singleThreadCompares(cost: number): number {
  const hash = bcrypt.hashSync('yardstick', cost);
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < 2000 || done < 3) {
    bcrypt.compareSync('yardstick', hash);
    done += 1;
  }
  return done / ((performance.now() - started) / 1000);
}

/**
 * Requests abandoned when a run stops are still served: for logins that is a queue of bcrypt work
 * that would eat into the next run. Wait until the hashing pool is idle (GET /metrics).
 */
async function drained(url: string): Promise<void> {
  for (;;) {
    const text = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    if (/^tollgate_password_hash_queue_depth 0$/m.test(text)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

async function measure(url: string, request: autocannon.Request): Promise<LoadFigures> {
  await load({ url, connections: CONNECTIONS, seconds: WARMUP, request });
  await drained(url);
  const figures = await load({ url, connections: CONNECTIONS, seconds: SECONDS, request });
  await drained(url);
  return figures;
}

/** Logins flood the hash pool for the whole run while GET /users/me is measured. */
async function mixed(url: string, seeded: Seed): Promise<LoadFigures> {
  const flood = load({
    url,
    connections: LOGIN_FLOOD_CONNECTIONS,
    seconds: WARMUP + SECONDS + 1,
    request: passwordLogin(seeded),
  });
  const measured = await warmedLoad(
    { url, connections: CONNECTIONS, seconds: SECONDS, request: bearerRequest('GET', '/users/me')(seeded) },
    WARMUP,
  );
  await flood;
  await drained(url);
  return measured;
}

const ms = (value: number) => value.toFixed(1).padStart(8);
const mb = (bytes: number | undefined) => `${((bytes ?? 0) / 2 ** 20).toFixed(1)} MB`;

function row(name: string, figures: LoadFigures, hello: LoadFigures): string {
  const ratio = figures.requestsPerSecond / hello.requestsPerSecond;
  return `${name.padEnd(34)} ${figures.requestsPerSecond.toFixed(0).padStart(8)} ${ms(figures.p50Ms)} ${ms(figures.p99Ms)} ${String(figures.errors).padStart(7)} ${ratio.toFixed(2).padStart(8)}`;
}

async function main(): Promise<void> {
  const comparesPerSecond = singleThreadCompares(BCRYPT_COST);
  const hello = await startServerProcess({}, { main: HELLO });
  const helloFigures = await warmedLoad({ url: hello.url, connections: CONNECTIONS, seconds: SECONDS }, WARMUP);
  await hello.stop();

  const postgres = process.env.DATABASE_URL?.startsWith('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-'));
  const floorFigures = await koaUserRead(dir);
  const databaseUrl = postgres ? (process.env.DATABASE_URL as string) : `sqlite:${path.join(dir, 'bench.db')}`;
  const server = await startServerProcess({
    NODE_ENV: 'production',
    PUBLIC_URL: 'http://127.0.0.1',
    DATABASE_URL: databaseUrl,
    BCRYPT_COST: String(BCRYPT_COST),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    METRICS_TOKEN,
    ...LOAD_FROM_ONE_IP,
    ...MAIL_FOR_LOAD,
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleRss = server.rssBytes();
  const seeded = await seed(server.url, USERS, TODOS_EACH, SESSIONS);

  const results: [string, LoadFigures][] = [];
  for (const [name, build] of CASES) {
    results.push([name, await measure(server.url, build(seeded))]);
  }
  results.push([`GET /users/me during a login flood`, await mixed(server.url, seeded)]);
  const loadedRss = server.rssBytes();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });

  const cpu = cpus();
  console.log(
    `\nmachine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, ${mb(totalmem())} RAM, node ${process.version}`,
  );
  console.log(
    `database: ${postgres ? 'PostgreSQL' : 'SQLite (WAL)'}; WORKERS=${process.env.WORKERS ?? '1'}; bcrypt cost ${BCRYPT_COST}; ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${SECONDS} s measured\n`,
  );
  console.log(
    `${'case'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'× hello'.padStart(8)}`,
  );
  console.log(row('bare Koa hello (ceiling)', helloFigures, helloFigures));
  console.log(row('bare Koa + SQLite user read (floor)', floorFigures, helloFigures));
  for (const [name, figures] of results) console.log(row(name, figures, helloFigures));
  const logins = results.find(([name]) => name === 'POST /token (password)')?.[1].requestsPerSecond ?? 0;
  console.log(
    `\nbcryptjs compare, one thread, cost ${BCRYPT_COST}: ${comparesPerSecond.toFixed(1)}/s; password grant: ${(logins / comparesPerSecond).toFixed(2)}× that`,
  );
  console.log(
    `startup to ready: ${server.readyMs.toFixed(0)} ms; idle RSS: ${mb(idleRss)}; RSS after the run: ${mb(loadedRss)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
