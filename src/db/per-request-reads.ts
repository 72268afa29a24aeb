import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database>;

// Name of each SQL text compiled by perRequestRead, in the order first compiled. A fixed, small
// set (one text per read and dialect), so the names never grow past it.
const statementNames = new Map<string, string>();

/**
 * The SQL of a read that runs on every request (the bearer check's user row, a todo, a page of
 * todos), compiled once per database: building and compiling a Kysely query per request was a
 * fifth of the instructions of GET /todos/{id}. `build` writes the query with stand-in values; the
 * real ones are bound in the same order. Each text is also given a statement name: PostgreSQL
 * parses and plans it once per connection (src/db/postgres.ts), SQLite prepares every text once
 * anyway (src/db/sqlite-statement-cache.ts).
 */
export function perRequestRead(build: (db: Db) => { compile(): CompiledQuery }): (db: Db) => string {
  const compiled = new WeakMap<Db, string>();
  return (db) => {
    let sql = compiled.get(db);
    if (sql === undefined) {
      sql = build(db).compile().sql;
      compiled.set(db, sql);
      if (!statementNames.has(sql)) statementNames.set(sql, `tollgate_read_${statementNames.size + 1}`);
    }
    return sql;
  };
}

/** The statement name of a per-request read's SQL; undefined for any other statement. */
export function perRequestStatementName(sql: string): string | undefined {
  return statementNames.get(sql);
}
