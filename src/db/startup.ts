import type { Config } from '../config';
import type { Logger } from '../logger';
import { openDatabase, type DatabaseHandle, type DatabaseOptions } from './database';
import { migrateToLatest } from './migrate';
import { databaseUnavailableKind } from './unavailable';

type StartupConfig = Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'databaseTimeout' | 'databaseStartupTimeout'>;
type Hooks = Omit<DatabaseOptions, 'poolSize' | 'timeoutMs'>;

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * Opens and migrates the database, retrying with backoff while it is unavailable (a PostgreSQL
 * still starting, restarting, out of connection slots) for up to DATABASE_STARTUP_TIMEOUT. Other
 * errors (a wrong password, a bad migration) fail at once: waiting would not fix them. Each attempt
 * is raced against the deadline, so a server that accepts TCP and never answers cannot hang startup.
 */
export async function openMigratedDatabase(
  config: StartupConfig,
  logger: Logger,
  hooks: Hooks = {},
): Promise<DatabaseHandle> {
  const timeoutMs = config.databaseStartupTimeout * 1000;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await beforeDeadline(attemptOpen(config, logger, hooks), deadline);
    if (outcome === 'late') throw startupTimedOut(config, 'the last attempt did not finish');
    if (!('error' in outcome)) return outcome.database;
    const kind = databaseUnavailableKind(outcome.error);
    if (kind === undefined) throw outcome.error;
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const waitMs = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS, deadline - Date.now());
    if (waitMs <= 0) throw startupTimedOut(config, reason);
    logger.warn({ attempt, kind, reason, retry_in_ms: waitMs }, 'database unavailable at startup; retrying');
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

async function attemptOpen(
  config: StartupConfig,
  logger: Logger,
  hooks: Hooks,
): Promise<{ database: DatabaseHandle } | { error: unknown }> {
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase(config, logger, hooks);
    await migrateToLatest(database.db, database.dialect);
    return { database };
  } catch (error) {
    await database?.close().catch(() => undefined);
    return { error };
  }
}

async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()))),
  );
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function startupTimedOut(config: StartupConfig, reason: string): Error {
  return new Error(
    `the database was unavailable for DATABASE_STARTUP_TIMEOUT (${config.databaseStartupTimeout} s): ${reason}`,
  );
}
