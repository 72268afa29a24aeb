import { execFileSync } from 'node:child_process';
import type { ServerProcess } from '../../scripts/support/server-process';

const PROBE_BOUND_MS = 8000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The status GET /readyz answers; a hang past the bound fails the caller. */
export async function readyz(instance: ServerProcess): Promise<number> {
  return (await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(PROBE_BOUND_MS) })).status;
}

/** Milliseconds until /readyz answered 200, or Infinity when it did not within `boundMs`. */
export async function untilReady(instance: ServerProcess, boundMs: number): Promise<number> {
  const started = Date.now();
  while ((await readyz(instance)) !== 200) {
    if (Date.now() - started > boundMs) return Infinity;
    await sleep(100);
  }
  return Date.now() - started;
}

/** The pids of a WORKERS=N primary's workers (its child processes). */
export function workerPids(instance: ServerProcess): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(instance.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
