import {
  Kysely,
  PostgresDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import { Pool, types, type CustomTypesConfig, type PoolClient, type QueryConfig } from 'pg';
import type { Logger } from '../logger';
import type { DatabaseHandle, DatabaseOptions } from './database';
import { perRequestStatementName } from './per-request-reads';
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
    dialect: new PostgresDialect({ pool: kyselyPool(pool, options.onConnectionWait) }),
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

/**
 * The pool as Kysely uses it: each checkout reports how long it waited, and each pooled connection
 * runs the per-request reads as named statements (one wrapper per connection, so Kysely keeps its
 * own per-connection state).
 */
function kyselyPool(pool: Pool, onWait: ((seconds: number) => void) | undefined): PostgresPool {
  const clients = new WeakMap<PoolClient, NamedReadsClient>();
  const forKysely = (client: PoolClient) => {
    let wrapped = clients.get(client);
    if (!wrapped) {
      wrapped = new NamedReadsClient(client);
      clients.set(client, wrapped);
    }
    return wrapped;
  };
  return {
    async connect() {
      if (!onWait) return forKysely(await pool.connect());
      const started = performance.now();
      try {
        return forKysely(await pool.connect());
      } finally {
        onWait((performance.now() - started) / 1000);
      }
    },
    end: () => pool.end(),
  };
}

/** feature_not_supported: what a named statement answers once a table under its `*` changed shape. */
const CACHED_PLAN_CHANGED = '0A000';

/**
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it each time. The reads
 * every request runs (src/db/per-request-reads.ts) go as named statements instead: parsed and
 * planned once per connection, then only bound and executed. A new connection (after a restart or
 * a failover) prepares them again on first use, as pg does for any named statement.
 */
class NamedReadsClient implements PostgresPoolClient {
  // Set when this connection's prepared statement can no longer run: released with it, the pool
  // discards the connection instead of keeping it.
  private unusable: Error | undefined;
  // Inside a transaction a refused named statement has already aborted it, so there the reads go
  // unnamed: a migration under them can then never fail a transaction that would have succeeded.
  private inTransaction = false;

  constructor(private readonly client: PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') throw new TypeError('streaming queries are not configured');
    const values = parameters as unknown[];
    this.followTransaction(sqlOrCursor);
    const name = this.inTransaction ? undefined : perRequestStatementName(sqlOrCursor);
    if (name === undefined) return this.run<R>({ text: sqlOrCursor, values });
    return this.namedQuery<R>({ name, text: sqlOrCursor, values });
  }

  /** Kysely's own statements that open and end a transaction (savepoints stay inside one). */
  private followTransaction(sql: string): void {
    if (sql === 'begin' || sql.startsWith('start transaction')) this.inTransaction = true;
    else if (sql === 'commit' || sql === 'rollback') this.inTransaction = false;
  }

  release(): void {
    this.client.release(this.unusable);
  }

  private run<R>(config: QueryConfig): Promise<PostgresQueryResult<R>> {
    // The same result under two typings: pg's (rows of any shape, command any string) and Kysely's.
    return this.client.query(config) as unknown as Promise<PostgresQueryResult<R>>;
  }

  private async namedQuery<R>(config: QueryConfig & { name: string }): Promise<PostgresQueryResult<R>> {
    try {
      return await this.run<R>(config);
    } catch (error) {
      // A migration run by another instance that adds or changes a column under `users.*` makes
      // PostgreSQL refuse the statement on this connection from then on ("cached plan must not
      // change result type"). The same text runs unnamed instead, and the pool replaces the
      // connection once released.
      if ((error as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw error;
      this.unusable = error as Error;
      try {
        return await this.run<R>({ text: config.text, values: config.values });
      } catch {
        throw error;
      }
    }
  }
}
