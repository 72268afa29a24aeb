/**
 * `npm run bench`: tollgate on a fresh database beside the servers it is measured against, driven
 * by autocannon on loopback, one table at the end: bare Koa "hello" (the ceiling), and for
 * GET /users/me Fastify 5 + @fastify/jwt and a hand-made Koa + jsonwebtoken server (the floor),
 * each verifying a real JWT and reading the user with the token's session from SQLite as tollgate
 * does. Besides requests/s and latency, each row has the server's CPU time per request (process
 * CPU ÷ requests answered), steadier than the load figures on a shared machine. A script, never a
 * timed test: figures depend on the machine. Knobs: BENCH_SECONDS, BENCH_WARMUP_SECONDS,
 * BENCH_CONNECTIONS, BENCH_BCRYPT_COST, WORKERS and PASSWORD_THREADS (passed to the server),
 * DATABASE_URL=postgres://… for tollgate on PostgreSQL (the peers read SQLite either way),
 * BENCH_CASES to run only the named cases of tollgate (comma-separated, as printed), BENCH_PEERS=0 to
 * skip the two peers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { FLOOR_AUDIENCE, FLOOR_ISSUER, FLOOR_USERS, floorSessionOf } from './support/floor-db';
import { FORM, passwordGrant, seed, type Seed } from './support/bench-seed';
import { load, warmedLoad, type LoadFigures } from './support/load';
import { LOAD_FROM_ONE_IP, MAIL_FOR_LOAD, startServerProcess, type ServerProcess } from './support/server-process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BCRYPT_COST = Number(process.env.BENCH_BCRYPT_COST ?? 10);
const ONLY_CASES = process.env.BENCH_CASES?.split(',').map((name) => name.trim());
const PEERS = process.env.BENCH_PEERS !== '0';
const LOGIN_FLOOD_CONNECTIONS = 16;
const LOGIN_FLOOD_CASE = 'GET /users/me during a login flood';
const USERS = 50;
const TODOS_EACH = 20;
const HELLO = path.resolve(__dirname, 'support/hello-koa.js');
const KOA_USER_READ = path.resolve(__dirname, 'support/koa-user-read.js');
const FASTIFY_USER_READ = path.resolve(__dirname, 'support/fastify-user-read.js');
const FLOOR_JWT_SECRET = 'bench-floor-secret-bench-floor-secret-0123';
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

/** Figures of one measured run, with the server's CPU time per request answered. */
interface Measured extends LoadFigures {
  readonly cpuMicrosPerRequest: number | undefined;
}

/** `run` between two readings of the server's CPU time. */
async function withCpu(server: ServerProcess, run: () => Promise<LoadFigures>): Promise<Measured> {
  const before = server.cpuMicros();
  const figures = await run();
  const after = server.cpuMicros();
  const cpuMicrosPerRequest =
    before === undefined || after === undefined || figures.requests === 0
      ? undefined
      : (after - before) / figures.requests;
  return { ...figures, cpuMicrosPerRequest };
}

/** Real HS256 JWTs for the peers' users, one each, valid for the run. */
function floorTokens(): string[] {
  return Array.from({ length: FLOOR_USERS }, (_, i) =>
    jwt.sign({ sid: floorSessionOf(i + 1), ver: 0, scope: 'me' }, FLOOR_JWT_SECRET, {
      algorithm: 'HS256',
      subject: String(i + 1),
      issuer: FLOOR_ISSUER,
      audience: FLOOR_AUDIENCE,
      expiresIn: '1h',
      jwtid: `floor-${i + 1}`,
    }),
  );
}

/** A peer server (`main`) answering GET /users/me, driven exactly as tollgate's GET /users/me is. */
async function peerUserRead(main: string, dir: string, name: string): Promise<Measured> {
  const server = await startServerProcess({ DATABASE_FILE: path.join(dir, `${name}.db`), FLOOR_JWT_SECRET }, { main });
  const request = bearerRequestWith('GET', '/users/me', undefined, rotating(floorTokens()));
  try {
    await load({ url: server.url, connections: CONNECTIONS, seconds: WARMUP, request });
    const figures = await withCpu(server, () =>
      load({ url: server.url, connections: CONNECTIONS, seconds: SECONDS, request }),
    );
    if (figures.errors > 0) throw new Error(`${name}: ${figures.errors} requests failed; the peer is broken`);
    return figures;
  } finally {
    await server.stop();
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

const ALL_CASES: [string, Case][] = [
  ['GET /users/me', bearerRequest('GET', '/users/me')],
  ['GET /todos (20)', bearerRequest('GET', '/todos?limit=20')],
  ['POST /todos', bearerRequest('POST', '/todos', { title: 'benchmark' })],
  ['POST /token (password)', passwordLogin],
  ['POST /token (refresh)', refreshRotation],
];

const selected = (name: string) => !ONLY_CASES || ONLY_CASES.includes(name);
const CASES = ALL_CASES.filter(([name]) => selected(name));

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

async function measure(server: ServerProcess, request: autocannon.Request): Promise<Measured> {
  const { url } = server;
  await load({ url, connections: CONNECTIONS, seconds: WARMUP, request });
  await drained(url);
  const figures = await withCpu(server, () => load({ url, connections: CONNECTIONS, seconds: SECONDS, request }));
  await drained(url);
  return figures;
}

/** Logins flood the hash pool for the whole run while GET /users/me is measured. */
async function mixed(server: ServerProcess, seeded: Seed): Promise<Measured> {
  const { url } = server;
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
  // The CPU time here is mostly hashing: not a figure of GET /users/me.
  return { ...measured, cpuMicrosPerRequest: undefined };
}

const ms = (value: number) => value.toFixed(1).padStart(8);
const mb = (bytes: number | undefined) => `${((bytes ?? 0) / 2 ** 20).toFixed(1)} MB`;

const NAME_WIDTH = 44;

function row(name: string, figures: Measured, hello: Measured): string {
  const ratio = figures.requestsPerSecond / hello.requestsPerSecond;
  const cpu = figures.cpuMicrosPerRequest === undefined ? '-' : figures.cpuMicrosPerRequest.toFixed(0);
  return `${name.padEnd(NAME_WIDTH)} ${figures.requestsPerSecond.toFixed(0).padStart(8)} ${ms(figures.p50Ms)} ${ms(figures.p99Ms)} ${String(figures.errors).padStart(7)} ${cpu.padStart(10)} ${ratio.toFixed(2).padStart(8)}`;
}

/** tollgate's GET /users/me against a peer's: by requests/s, and by CPU time per request (the peer's ÷ ours). */
function ratio(name: string, ours: Measured, theirs: Measured): string {
  const byLoad = (ours.requestsPerSecond / theirs.requestsPerSecond).toFixed(2);
  const byCpu =
    ours.cpuMicrosPerRequest && theirs.cpuMicrosPerRequest
      ? (theirs.cpuMicrosPerRequest / ours.cpuMicrosPerRequest).toFixed(2)
      : '-';
  return `GET /users/me ÷ ${name.padEnd(36)} ${byLoad.padStart(5)}× by req/s, ${byCpu.padStart(5)}× by CPU per request`;
}

async function main(): Promise<void> {
  const comparesPerSecond = singleThreadCompares(BCRYPT_COST);
  const hello = await startServerProcess({}, { main: HELLO });
  await load({ url: hello.url, connections: CONNECTIONS, seconds: WARMUP });
  const helloFigures = await withCpu(hello, () => load({ url: hello.url, connections: CONNECTIONS, seconds: SECONDS }));
  await hello.stop();

  const postgres = process.env.DATABASE_URL?.startsWith('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-bench-'));
  const peers: [string, Measured][] = PEERS
    ? [
        ['Fastify 5 + @fastify/jwt + SQLite read', await peerUserRead(FASTIFY_USER_READ, dir, 'fastify')],
        ['Koa + jsonwebtoken + SQLite read (floor)', await peerUserRead(KOA_USER_READ, dir, 'floor')],
      ]
    : [];
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

  const results: [string, Measured][] = [];
  for (const [name, build] of CASES) {
    results.push([name, await measure(server, build(seeded))]);
  }
  if (selected(LOGIN_FLOOD_CASE)) results.push([LOGIN_FLOOD_CASE, await mixed(server, seeded)]);
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
    `${'case'.padEnd(NAME_WIDTH)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'CPU µs/req'.padStart(10)} ${'× hello'.padStart(8)}`,
  );
  console.log(row('bare Koa hello (ceiling)', helloFigures, helloFigures));
  for (const [name, figures] of peers) console.log(row(name, figures, helloFigures));
  for (const [name, figures] of results) console.log(row(name, figures, helloFigures));
  const me = results.find(([name]) => name === 'GET /users/me')?.[1];
  const [fastify, floor] = peers;
  if (me && fastify && floor) {
    console.log('');
    console.log(ratio('the floor (Koa + jsonwebtoken)', me, floor[1]));
    console.log(ratio('Fastify 5 + @fastify/jwt', me, fastify[1]));
  }
  const logins = results.find(([name]) => name === 'POST /token (password)')?.[1].requestsPerSecond;
  // Only when the password grant ran (BENCH_CASES may leave it out).
  if (logins !== undefined)
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
