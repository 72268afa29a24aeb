import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** Load scripts send everything from 127.0.0.1: without this the per-IP registration limit would refuse the load itself. */
export const LOAD_FROM_ONE_IP = { REGISTRATION_MAX_PER_IP: '1000000' };

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn until /healthz first answered. */
  readonly readyMs: number;
  /** Resident set size in bytes of the process and its children (cluster workers), read from /proc (Linux). */
  rssBytes(): number | undefined;
  stop(): Promise<number | null>;
}

const MAIN = path.resolve(__dirname, '../../src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcessOptions {
  /** Another script than the built server (the benchmark's bare Koa). */
  readonly main?: string;
  /** Called with each chunk of the server's stdout (its JSON log lines); ignored otherwise. */
  readonly onStdout?: (chunk: string) => void;
}

/** The built server (`node dist/src/main.js`) as operators run it, ready once /healthz answers. */
export async function startServerProcess(env: Record<string, string>, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const child = spawn(process.execPath, [options.main ?? MAIN], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', options.onStdout ? 'pipe' : 'ignore', 'inherit'] });
  if (options.onStdout) child.stdout?.setEncoding('utf8').on('data', options.onStdout);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntilHealthy(url, exited);
  const readyMs = performance.now() - spawned;
  return {
    url,
    child,
    readyMs,
    rssBytes: () => treeRss(child.pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitUntilHealthy(url: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(gone ? 'the server exited during startup' : 'the server did not become healthy within 60 s');
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

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
