import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Load scripts send everything from 127.0.0.1. The per-IP limits would refuse the load itself: every
 * registration counts, and a login counts as a possible failure until its password is checked, so
 * a flood of correct logins waiting for the hash pool looks like guessing.
 */
export const LOAD_FROM_ONE_IP = { REGISTRATION_MAX_PER_IP: '1000000', LOGIN_MAX_FAILURES_PER_IP: '1000000' };

/** Production refuses to start without mail settings; load runs mail nothing anyone reads (port 9 is discard). */
export const MAIL_FOR_LOAD = {
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'load <no-reply@example.com>',
  PASSWORD_RESET_URL: 'https://app.example.com/reset-password?token={token}',
  EMAIL_VERIFICATION_URL: 'https://app.example.com/verify-email?token={token}',
  // Nothing listens on port 9: each sign-up's verification mail fails once, then waits an hour for
  // its retry, so the outbox worker's retries are not counted in the request figures.
  MAIL_RETRY_BASE: '3600',
};

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One JSON line the server logged (pino). */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Milliseconds from spawn until /healthz first answered. */
  readonly readyMs: number;
  /** Settles once the process has exited and its output has been read to the end. */
  readonly exited: Promise<ServerExit>;
  /** Every line logged so far. */
  logs(): readonly LogLine[];
  /** The first line, already logged or still to come, that matches; rejects if the process exits first. */
  logged(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resident set size in bytes of the process and its children (cluster workers), read from /proc (Linux). */
  rssBytes(): number | undefined;
  /** CPU time (user + system, every thread) in microseconds the process and its children have used so far, from /proc (Linux). */
  cpuMicros(): number | undefined;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

// Compiled, this file runs from dist/scripts/support; under ts-jest, from scripts/support.
const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(path.basename(ROOT) === 'dist' ? ROOT : path.join(ROOT, 'dist'), 'src/main.js');
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * A port the OS just handed out and released, for processes that cannot listen on port 0 and
 * report it (the built server, Prism). Another process could take it in between; callers retry.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ServerProcessOptions {
  /** Another script than the built server (the benchmark's bare Koa). */
  readonly main?: string;
  /** Called with each chunk of the server's stdout (its JSON log lines), besides `logs()`. */
  readonly onStdout?: (chunk: string) => void;
  /** A command the server runs under (e.g. valgrind and its options), in front of `node main`. */
  readonly wrapper?: readonly string[];
  /** Options for node itself, between `node` and `main` (V8 flags NODE_OPTIONS refuses, e.g. --trace-gc-nvp). */
  readonly nodeFlags?: readonly string[];
  /** How long to wait for /healthz; the default suits a plain start on a busy machine. */
  readonly startupTimeoutMs?: number;
}

// Started and not yet exited: killed if the caller forgets them, or fails before stopping them.
const live = new Set<ChildProcess>();
process.once('exit', killServerProcesses);

/** SIGKILL for every server process still running; for test teardown. */
export function killServerProcesses(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** The built server (`node dist/src/main.js`) as operators run it, ready once /healthz answers. */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const [command = process.execPath, ...args] = [
    ...(options.wrapper ?? []),
    process.execPath,
    ...(options.nodeFlags ?? []),
    options.main ?? MAIN,
  ];
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  live.add(child);
  const exited = new Promise<ServerExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  void exited.then(() => live.delete(child));
  child.stdout?.setEncoding('utf8');
  if (options.onStdout) child.stdout?.on('data', options.onStdout);
  const log = collectLogs(child, exited);
  try {
    await waitUntilHealthy(url, exited, options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const readyMs = performance.now() - spawned;
  return {
    url,
    port,
    child,
    readyMs,
    exited,
    ...log,
    rssBytes: () => treeRss(child.pid),
    cpuMicros: () => treeCpuMicros(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await exited).code;
    },
  };
}

function collectLogs(child: ChildProcess, exited: Promise<ServerExit>): Pick<ServerProcess, 'logs' | 'logged'> {
  const lines: LogLine[] = [];
  const waiters = new Set<(line: LogLine) => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of waiters) waiter(line);
  });
  return {
    logs: () => lines,
    logged: (match) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match);
        if (found) return resolve(found);
        const waiter = (line: LogLine) => {
          if (match(line)) {
            waiters.delete(waiter);
            resolve(line);
          }
        };
        waiters.add(waiter);
        void exited.then(() => {
          waiters.delete(waiter);
          reject(new Error('the server exited before logging the awaited line'));
        });
      }),
  };
}

async function waitUntilHealthy(url: string, exited: Promise<ServerExit>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  // Generous: on a busy shared machine a cold start (spec parsing, ajv compiling) can take many seconds.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(
    gone ? 'the server exited during startup' : `the server did not become healthy within ${timeoutMs / 1000} s`,
  );
}

function readRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** RSS of a process plus its descendants: with WORKERS=N the cluster workers hold most of the memory. */
function treeRss(pid: number | undefined): number | undefined {
  const own = readRss(pid);
  if (own === undefined || pid === undefined) return own;
  return childrenOf(pid).reduce((total, child) => total + (treeRss(child) ?? 0), own);
}

// /proc/<pid>/stat counts CPU time in clock ticks: USER_HZ, 100 on every Linux architecture Node runs on.
const MICROS_PER_TICK = 1e6 / 100;

function readCpuMicros(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces: the fields are counted after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return undefined;
  }
}

/** CPU time of a process plus its descendants (cluster workers), in microseconds. */
function treeCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const own = readCpuMicros(pid);
  if (own === undefined) return undefined;
  return childrenOf(pid).reduce((total, child) => total + (treeCpuMicros(child) ?? 0), own);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
