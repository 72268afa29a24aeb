import type { Kysely } from 'kysely';
import { isPostgresUrl, type Config } from '../config';
import type { Logger } from '../logger';
import type { SqlDialect } from './migrations/portable';
import type { Database } from './schema';
import { openSqlite } from './sqlite';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  /** Which engine: migrations need it for the few DDL details the two spell differently. */
  readonly dialect: SqlDialect;
  /** The SQLite file, or undefined for an in-memory database or PostgreSQL. */
  readonly file: string | undefined;
  close(): Promise<void>;
}

/**
 * The dialect is chosen here from DATABASE_URL (checked in config.ts) and nowhere else. pg is
 * required only when it is used: loading it took about a tenth of a SQLite server's startup.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'databasePoolSize'>, logger?: Logger): Promise<DatabaseHandle> {
  if (!isPostgresUrl(config.databaseUrl)) return openSqlite(config.databaseUrl);
  const { openPostgres } = await import('./postgres');
  return openPostgres(config.databaseUrl, config.databasePoolSize, logger);
}
