import type { Kysely } from 'kysely';
import { isPostgresUrl, type Config } from '../config';
import type { Logger } from '../logger';
import type { SqlDialect } from './migrations/portable';
import type { Database } from './schema';
import { openSqlite } from './sqlite';
import type { DatabaseErrorKind } from './unavailable';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  /** Which engine: migrations need it for the few DDL details the two spell differently. */
  readonly dialect: SqlDialect;
  /** The SQLite file, or undefined for an in-memory database or PostgreSQL. */
  readonly file: string | undefined;
  /** Requests waiting for a pooled connection (PostgreSQL; 0 on SQLite). */
  poolWaiting(): number;
  /** Throws DatabaseFileGoneError when a write would be lost (SQLite: the opened file was unlinked or replaced). */
  checkWritable(): void;
  close(): Promise<void>;
}

/** How the handle bounds its waits and whom it tells about them; metrics are optional (the CLI has none). */
export interface DatabaseOptions {
  readonly poolSize: number;
  readonly timeoutMs: number;
  onConnectionWait?(seconds: number): void;
  onError?(kind: DatabaseErrorKind): void;
}

type DatabaseConfig = Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'databaseTimeout'>;

/**
 * The dialect is chosen here from DATABASE_URL (checked in config.ts) and nowhere else. pg is
 * required only when it is used: loading it took about a tenth of a SQLite server's startup.
 */
export async function openDatabase(
  config: DatabaseConfig,
  logger?: Logger,
  hooks: Omit<DatabaseOptions, 'poolSize' | 'timeoutMs'> = {},
): Promise<DatabaseHandle> {
  const options: DatabaseOptions = {
    ...hooks,
    poolSize: config.databasePoolSize,
    timeoutMs: config.databaseTimeout * 1000,
  };
  if (!isPostgresUrl(config.databaseUrl)) return openSqlite(config.databaseUrl, options, logger);
  const { openPostgres } = await import('./postgres');
  return openPostgres(config.databaseUrl, options, logger);
}
