import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { Pool, types, type CustomTypesConfig, type PoolClient } from 'pg';
import type { Logger } from '../logger';
import type { DatabaseHandle, DatabaseOptions } from './database';
import type { Database } from './schema';
import { databaseUnavailableKind } from './unavailable';

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
    oid === types.builtins.INT8 && format !== 'binary'
      ? parseInt8
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/**
 * `postgres://…`: a pool per instance; several instances may share one database. Every wait is
 * bounded by `timeoutMs`: for a pooled connection (connectionTimeoutMillis, which also bounds a
 * server that accepts TCP and never answers), and each statement and lock wait on the server
 * (statement_timeout, lock_timeout), so a statement past its deadline is rolled back, never committed later.
 */
export function openPostgres(databaseUrl: string, options: DatabaseOptions, logger?: Logger): DatabaseHandle {
  const { poolSize, timeoutMs } = options;
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    types: typeParsers,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    // A little shorter, so that a wait for a lock is reported as lock_timeout (55P03), not as the statement's.
    lock_timeout: Math.floor(timeoutMs * 0.9),
    // A failover can leave a half-open TCP connection: keep-alive probes notice it.
    keepAlive: true,
  });
  const onConnectionError = (error: Error) => {
    options.onError?.(databaseUnavailableKind(error) ?? 'connection');
    logger?.warn({ err: error }, 'PostgreSQL connection failed; the pool replaces it');
  };
  // pg-pool listens for errors only on idle clients; a restart or failover also breaks connections
  // that are checked out, and an 'error' event without a listener kills the process. This listener
  // stays for the client's whole life; the query in flight fails on its own and the pool discards
  // the broken client when it is released.
  pool.on('connect', (client: PoolClient) => client.on('error', onConnectionError));
  pool.on('error', () => {
    // Already handled and logged by the client's own listener above.
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: timedPool(pool, options.onConnectionWait) }),
  });
  return {
    db,
    dialect: 'postgres',
    file: undefined,
    poolWaiting: () => pool.waitingCount,
    checkWritable: () => undefined,
    close: () => db.destroy(),
  };
}

/** The pool as Kysely uses it, reporting how long each checkout waited. */
function timedPool(pool: Pool, onWait: ((seconds: number) => void) | undefined): PostgresPool {
  if (!onWait) return pool;
  return {
    async connect() {
      const started = performance.now();
      try {
        return await pool.connect();
      } finally {
        onWait((performance.now() - started) / 1000);
      }
    },
    end: () => pool.end(),
  };
}
