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
  const statements = new Map<string, SqliteStatement>();
  const writes = new Set<string>();
  return {
    close: () => void sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        // Decided once per SQL text: reads (GET /users/me) pay only this Set lookup.
        if (!statement.reader || WRITE.test(sql)) writes.add(sql);
        // Oldest out first: a bound that only a dynamic query shape could ever reach.
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      if (writes.has(sql)) beforeWrite();
      return statement;
    },
  };
}
