import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database';

/** What /readyz reports: undefined when this instance should get traffic, else why not. */
export interface Readiness {
  /** From SIGTERM on, until the port closes: a load balancer stops sending new requests here. */
  drain(): void;
  notReadyBecause(): Promise<string | undefined>;
}

/** A trivial query must answer within this (or DATABASE_TIMEOUT if shorter): probes run often. */
const PING_BOUND_MS = 2000;

export function createReadiness(database: DatabaseHandle, databaseTimeoutMs: number): Readiness {
  let draining = false;
  const boundMs = Math.min(PING_BOUND_MS, databaseTimeoutMs);
  return {
    drain() {
      draining = true;
    },
    async notReadyBecause() {
      if (draining) return 'shutting down';
      try {
        database.checkWritable();
        await withinMs(sql`select 1`.execute(database.db), boundMs);
        return undefined;
      } catch (error) {
        return `database: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  };
}

async function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
