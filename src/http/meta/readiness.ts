import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/database';
import type { Logger } from '../../logger';

/** What /readyz reports: undefined when this instance should get traffic, else why not. */
export interface Readiness {
  /** From SIGTERM on, until the port closes: a load balancer stops sending new requests here. */
  drain(): void;
  notReadyBecause(): Promise<string | undefined>;
}

/** A trivial query must answer within this (or DATABASE_TIMEOUT if shorter): probes run often. */
const PING_BOUND_MS = 2000;

/**
 * /readyz is unauthenticated: its reason is generic. Why the database failed (a file path, a
 * database name, a host) is for the operator's log, logged when it changes rather than every probe.
 */
export function createReadiness(database: DatabaseHandle, databaseTimeoutMs: number, logger: Logger): Readiness {
  let draining = false;
  let lastLogged: string | undefined;
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
        lastLogged = undefined;
        return undefined;
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        if (detail !== lastLogged) logger.warn({ detail }, `not ready: database: ${detail}`);
        lastLogged = detail;
        return 'database unavailable';
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
