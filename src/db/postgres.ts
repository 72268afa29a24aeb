import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types, type CustomTypesConfig } from 'pg';
import type { Logger } from '../logger';
import type { DatabaseHandle } from './database';
import type { Database } from './schema';

/**
 * pg hands bigint (int8, what count(*) returns) back as a string; SQLite gives a number. Numbers on
 * both keep every query's result the same; a value past 2^53 would be silently wrong, so it fails.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return value;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 && format !== 'binary' ? parseInt8 : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/** `postgres://…`: a pool per instance; several instances may share one database. */
export function openPostgres(databaseUrl: string, poolSize: number, logger?: Logger): DatabaseHandle {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize, types: typeParsers });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on('error', (error) => logger?.error({ err: error }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', file: undefined, close: () => db.destroy() };
}
