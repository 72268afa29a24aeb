import type { Kysely } from 'kysely';
import { isPostgresUrl, type Config } from '../config';
import type { Logger } from '../logger';
import type { SqlDialect } from './migrations/portable';
import { openPostgres } from './postgres';
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

/** The dialect is chosen here from DATABASE_URL (checked in config.ts) and nowhere else. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'databasePoolSize'>, logger?: Logger): DatabaseHandle {
  return isPostgresUrl(config.databaseUrl) ? openPostgres(config.databaseUrl, config.databasePoolSize, logger) : openSqlite(config.databaseUrl);
}
