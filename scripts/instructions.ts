/**
 * `npm run bench:instructions`: CPU instructions the server's event-loop thread spends per request,
 * counted by valgrind's callgrind. Load figures on a shared 2-core machine move by 20 % from one run
 * to the next; this count, taken once V8 has optimized the request path, moves by about 1 %, so it
 * shows what a change to the request path saves. Requests are sent one at a time after a warm-up
 * long enough for V8's optimizing compiler to finish (after 400 requests much of the path still ran
 * in a baseline tier and two runs of one build differed by 9 %; after 3,000 they agree within 1 %).
 * Only the main thread is counted (GC helpers and the JIT's compiler threads run beside it). Under
 * valgrind everything runs dozens of times slower: compare counts with counts, never with timings.
 * Needs valgrind (Debian: `apt-get install valgrind`). Knobs: INSTRUCTIONS_REQUESTS (default 1000),
 * INSTRUCTIONS_WARMUP (default 3000), INSTRUCTIONS_CASES (names to run, comma-separated, e.g.
 * `GET /users/me`; the hello row always runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { send } from './support/bench-seed';
import { caseHeaders, countedServerEnv, HELLO_CASE, signUp, type RequestCase } from './support/request-cases';
import { startServerProcess, type ServerProcess } from './support/server-process';

const REQUESTS = Number(process.env.INSTRUCTIONS_REQUESTS ?? 1000);
const WARMUP_REQUESTS = Number(process.env.INSTRUCTIONS_WARMUP ?? 3000);
const ONLY = process.env.INSTRUCTIONS_CASES?.split(',').map((name) => name.trim());
const HELLO = path.resolve(__dirname, 'support/hello-koa.js');

function callgrindCommand(outputDir: string): string[] {
  // --smc-check: V8 writes machine code into memory it then runs; --separate-threads: one count per thread.
  return [
    'valgrind',
    '--tool=callgrind',
    '--separate-threads=yes',
    '--smc-check=all-non-file',
    '--dump-instr=no',
    `--callgrind-out-file=${outputDir}/cg.%p`,
    `--log-file=${outputDir}/valgrind.log`,
  ];
}

/** Instructions of the process's first thread (the event loop) in dump number `part`, once valgrind has written it. */
async function mainThreadInstructions(outputDir: string, pid: number, part: number): Promise<number> {
  const file = path.join(outputDir, `cg.${pid}.${part}-01`);
  for (let waited = 0; waited < 60_000; waited += 200) {
    // callgrind_control returns once the request is made; the thread's file is complete when its summary line is there.
    const summary = existsSync(file) ? /^summary: (\d+)$/m.exec(readFileSync(file, 'utf8')) : null;
    if (summary) return Number(summary[1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `callgrind wrote no ${file}; its log:\n${readFileSync(path.join(outputDir, 'valgrind.log'), 'utf8')}`,
  );
}

async function sendCase(url: string, request: RequestCase, token: string | undefined): Promise<void> {
  await (
    await send(`${url}${request.path}`, {
      method: request.method ?? 'GET',
      headers: caseHeaders(request, token),
      ...(request.body && { body: request.body }),
    })
  ).arrayBuffer();
}

/**
 * valgrind names its control pipes after $USER and $HOST, and the server runs with HOST=127.0.0.1
 * (its listen address): callgrind_control must look them up under the same names.
 */
function callgrindControl(command: '--zero' | '--dump', pid: number): void {
  execFileSync('callgrind_control', [command, String(pid)], {
    stdio: 'ignore',
    env: { ...process.env, HOST: '127.0.0.1' },
  });
}

async function countPerRequest(
  server: ServerProcess,
  outputDir: string,
  part: number,
  request: RequestCase,
  token: string | undefined,
): Promise<number> {
  const pid = server.child.pid as number;
  for (let i = 0; i < WARMUP_REQUESTS; i += 1) await sendCase(server.url, request, token);
  callgrindControl('--zero', pid);
  for (let i = 0; i < REQUESTS; i += 1) await sendCase(server.url, request, token);
  callgrindControl('--dump', pid);
  return (await mainThreadInstructions(outputDir, pid, part)) / REQUESTS;
}

async function underCallgrind<T>(
  env: Record<string, string>,
  main: string | undefined,
  work: (server: ServerProcess, outputDir: string) => Promise<T>,
): Promise<T> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'tollgate-callgrind-'));
  const server = await startServerProcess(env, {
    wrapper: callgrindCommand(outputDir),
    startupTimeoutMs: 900_000,
    ...(main && { main }),
  });
  try {
    return await work(server, outputDir);
  } finally {
    await server.stop();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  const hello = await underCallgrind({}, HELLO, (server, dir) =>
    countPerRequest(server, dir, 1, HELLO_CASE, undefined),
  );

  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-instructions-'));
  const rows = await underCallgrind(countedServerEnv(dataDir), undefined, async (server, dir) => {
    const { token, cases } = await signUp(server.url, ONLY);
    const counted: [string, number][] = [];
    // callgrind numbers its dumps from 1: one per case counted.
    for (const [index, request] of cases.entries()) {
      counted.push([request.name, await countPerRequest(server, dir, index + 1, request, token)]);
    }
    return counted;
  });
  rmSync(dataDir, { recursive: true, force: true });

  console.log(
    `\nevent-loop instructions per request (callgrind, ${REQUESTS} sequential requests after ${WARMUP_REQUESTS} of warm-up, SQLite)\n`,
  );
  console.log(`${'case'.padEnd(20)} ${'instructions'.padStart(12)} ${"× hello's".padStart(10)}`);
  for (const [name, count] of [[HELLO_CASE.name, hello] as [string, number], ...rows]) {
    console.log(
      `${name.padEnd(20)} ${Math.round(count).toLocaleString('en-US').padStart(12)} ${(count / hello).toFixed(1).padStart(10)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
