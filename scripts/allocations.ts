/**
 * `npm run bench:allocations`: bytes the server allocates per request, and what the young-generation
 * collections cost, under the bench's load (50 connections). Every object a request allocates is
 * work for V8's scavenger, and objects still in use by the requests in flight are copied at each
 * scavenge, whose pause every request in flight waits out: at 0.7 ms a scavenge every ~30 ms costs
 * 2–3 % of the server's time; at the 3.5 ms V8's pretenuring caused (src/v8-flags.ts), a tenth. Counted from V8's own trace (--trace-gc-nvp:
 * bytes allocated since the previous collection), so the figure does not depend on how fast the
 * machine is today: runs of one build agree within about 1 %, where requests/s moves by 20 %. The
 * pauses are times, and move with the machine. The first and last collection of a run each straddle
 * its edge, an error of at most two collections' worth (~30 MB) over the run.
 * Knobs: ALLOCATIONS_REQUESTS (default 50000), ALLOCATIONS_WARMUP (default 10000), ALLOCATIONS_CASES
 * (names to run, comma-separated, e.g. `GET /users/me`; the hello row always runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from './support/load';
import { caseHeaders, countedServerEnv, HELLO_CASE, signUp, type RequestCase } from './support/request-cases';
import { startServerProcess, type ServerProcess } from './support/server-process';

const REQUESTS = Number(process.env.ALLOCATIONS_REQUESTS ?? 50_000);
const WARMUP_REQUESTS = Number(process.env.ALLOCATIONS_WARMUP ?? 10_000);
const ONLY = process.env.ALLOCATIONS_CASES?.split(',').map((name) => name.trim());
const CONNECTIONS = 50;
// As many as the bench seeds: their sign-ups are the burst of slow requests V8 learns from.
const USERS = 50;
const HELLO = path.resolve(__dirname, 'support/hello-koa.js');

interface Collection {
  readonly kind: string;
  readonly pauseMs: number;
  readonly allocatedBytes: number;
}

interface Allocations {
  readonly bytesPerRequest: number;
  readonly scavengesPer10kRequests: number;
  readonly meanScavengePauseMs: number;
  /** Share of the run's wall time the event loop stood still for collections of either kind. */
  readonly pauseShare: number;
}

/** One line of --trace-gc-nvp: `… pause=3.1 mutator=23.0 gc=s … allocated=14741224 …`. */
function collectionOf(text: string): Collection | undefined {
  const kind = /\bgc=(\w+)/.exec(text)?.[1];
  const pause = /\bpause=([\d.]+)/.exec(text)?.[1];
  const allocated = /\ballocated=(\d+)/.exec(text)?.[1];
  if (kind === undefined || pause === undefined || allocated === undefined) return undefined;
  return { kind, pauseMs: Number(pause), allocatedBytes: Number(allocated) };
}

function collections(server: ServerProcess): Collection[] {
  return server.logs().flatMap((line) => {
    const collection = typeof line.msg === 'string' ? collectionOf(line.msg) : undefined;
    return collection ? [collection] : [];
  });
}

/** `amount` requests of one case; the run's wall time in ms. */
async function drive(
  server: ServerProcess,
  request: RequestCase,
  token: string | undefined,
  amount: number,
): Promise<number> {
  const { method = 'GET', body } = request;
  const figures = await load({
    url: `${server.url}${request.path}`,
    connections: CONNECTIONS,
    amount,
    request: { method, headers: caseHeaders(request, token), ...(body && { body }) },
  });
  if (figures.errors > 0) throw new Error(`${request.name}: ${figures.errors} of ${amount} requests failed`);
  return (amount / figures.requestsPerSecond) * 1000;
}

async function measure(server: ServerProcess, request: RequestCase, token: string | undefined): Promise<Allocations> {
  await drive(server, request, token, WARMUP_REQUESTS);
  const before = collections(server).length;
  const wallMs = await drive(server, request, token, REQUESTS);
  // The trace line is written when the collection ends; the last one may still be in the pipe.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const during = collections(server).slice(before);
  const scavenges = during.filter((c) => c.kind === 's');
  const sum = (items: readonly Collection[], pick: (c: Collection) => number) =>
    items.reduce((total, c) => total + pick(c), 0);
  return {
    bytesPerRequest: sum(during, (c) => c.allocatedBytes) / REQUESTS,
    scavengesPer10kRequests: (scavenges.length * 10_000) / REQUESTS,
    meanScavengePauseMs: scavenges.length > 0 ? sum(scavenges, (c) => c.pauseMs) / scavenges.length : 0,
    pauseShare: sum(during, (c) => c.pauseMs) / wallMs,
  };
}

async function traced<T>(
  env: Record<string, string>,
  main: string | undefined,
  work: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess(env, { nodeFlags: ['--trace-gc-nvp'], ...(main && { main }) });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

function row(name: string, a: Allocations): string {
  const kb = (a.bytesPerRequest / 1024).toFixed(1);
  return `${name.padEnd(20)} ${kb.padStart(8)} ${a.scavengesPer10kRequests.toFixed(1).padStart(12)} ${a.meanScavengePauseMs.toFixed(2).padStart(10)} ${`${(a.pauseShare * 100).toFixed(1)} %`.padStart(10)}`;
}

async function main(): Promise<void> {
  const hello = await traced({}, HELLO, (server) => measure(server, HELLO_CASE, undefined));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-allocations-'));
  const rows = await traced(countedServerEnv(dataDir), undefined, async (server) => {
    const { token, cases } = await signUp(server.url, ONLY, USERS);
    const measured: [string, Allocations][] = [];
    for (const request of cases) measured.push([request.name, await measure(server, request, token)]);
    return measured;
  });
  rmSync(dataDir, { recursive: true, force: true });

  console.log(
    `\nallocation per request (V8 --trace-gc-nvp, ${REQUESTS} requests on ${CONNECTIONS} connections after ${USERS} sign-ups and ${WARMUP_REQUESTS} requests of warm-up, SQLite)\n`,
  );
  console.log(
    `${'case'.padEnd(20)} ${'KB/req'.padStart(8)} ${'scav./10k'.padStart(12)} ${'pause ms'.padStart(10)} ${'GC pauses'.padStart(10)}`,
  );
  for (const [name, figures] of [[HELLO_CASE.name, hello] as [string, Allocations], ...rows])
    console.log(row(name, figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
