import type { EnvReader } from './env-reader';

export interface CapacityConfig {
  /** Processes serving the port (node:cluster); 1 means no cluster. */
  readonly workers: number;
  readonly bcryptCost: number;
  readonly passwordThreads: number;
}

const MAX_WORKERS = 64;

/** `cpuCount` sizes `WORKERS=auto` and the default hashing pool. */
export function readCapacityConfig(read: EnvReader, cpuCount: number): CapacityConfig {
  const workers = workerCount(read.text('WORKERS'), cpuCount, read.problems);
  return {
    workers,
    bcryptCost: read.integer('BCRYPT_COST', 12, 4, 15),
    // Bcrypt keeps a core busy per thread: all workers' pools together stay within the cores.
    passwordThreads: read.integer('PASSWORD_THREADS', Math.max(1, Math.floor(cpuCount / workers)), 1, 64),
  };
}

/** `WORKERS`: a count, or `auto` for one per CPU; 1 when unset. */
function workerCount(raw: string | undefined, cpuCount: number, problems: string[]): number {
  if (raw === undefined) return 1;
  if (raw === 'auto') return Math.max(1, Math.min(cpuCount, MAX_WORKERS));
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= 1 && value <= MAX_WORKERS) return value;
  problems.push(`WORKERS must be auto or an integer from 1 to ${MAX_WORKERS} (got "${raw}")`);
  return 1;
}
