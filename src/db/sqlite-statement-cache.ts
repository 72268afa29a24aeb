import type { Database as BetterSqlite } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 500;
/** Statements that write but return rows (INSERT … RETURNING) are `reader` to better-sqlite3. */
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/**
 * Kysely prepares every query anew, and better-sqlite3's prepare (parse and plan) was the largest
 * database cost in the profile of GET /users/me. Our queries are a small fixed set of SQL texts
 * with bound parameters, so a statement is prepared once and reused. Reuse is safe because
 * better-sqlite3 runs a statement synchronously to the end (we never stream with iterate()).
 */
export function withStatementCache(sqlite: BetterSqlite, beforeWrite: () => void = () => undefined): SqliteDatabase {
  const statements = new Map<string, CachedStatement>();
  return {
    close: () => void sqlite.close(),
    prepare(sql) {
      let cached = statements.get(sql);
      if (!cached) {
        const statement = sqlite.prepare(sql);
        // Decided once per SQL text: a read (GET /users/me) pays one property read for it.
        cached = { statement, writes: !statement.reader || WRITE.test(sql) };
        // Oldest out first: a bound that only a dynamic query shape could ever reach.
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
        statements.set(sql, cached);
      }
      // beforeWrite refuses a write that would be lost (src/db/sqlite-file-guard.ts).
      if (cached.writes) beforeWrite();
      return cached.statement;
    },
  };
}

interface CachedStatement {
  readonly statement: SqliteStatement;
  readonly writes: boolean;
}
