import type { Database as BetterSqlite, Statement } from 'better-sqlite3';
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
        const prepared = sqlite.prepare(sql);
        // Decided once per SQL text: a read (GET /users/me) pays one property read for it.
        cached = {
          statement: prepared.reader ? new RowsAsObjects(prepared) : prepared,
          writes: !prepared.reader || WRITE.test(sql),
        };
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

/**
 * A statement that returns rows, its row objects built here from better-sqlite3's raw arrays.
 * better-sqlite3 makes each row through V8's C++ API as a dictionary-mode object, every key hashed
 * in per row, which cost more than the query itself on a page of 20 todos (docs/performance.md).
 * Built in JavaScript, the rows of one statement share one hidden class. Keys, values and their
 * order are better-sqlite3's: of two equal column names the last value wins, in the first one's
 * place. (A column named `__proto__` would differ on Node 22 and later, where better-sqlite3 keeps
 * it as an own property; no statement of ours selects one.)
 */
class RowsAsObjects implements SqliteStatement {
  readonly reader = true;
  private readonly raw: Statement;
  private names: string[];

  constructor(statement: Statement) {
    this.raw = statement.raw(true);
    this.names = columnNamesOf(statement);
  }

  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.raw.all(parameters) as unknown[][];
    const objects = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i += 1) objects[i] = this.objectOf(rows[i] as unknown[]);
    return objects;
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.raw.run(parameters);
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const row of this.raw.iterate(parameters) as IterableIterator<unknown[]>) yield this.objectOf(row);
  }

  private objectOf(values: readonly unknown[]): Record<string, unknown> {
    // SQLite prepares a statement again when the schema changes under it (another process's
    // migration): a `SELECT *` may then return more or fewer columns, and the names are read again.
    // A rename that keeps the count is not seen: migrations add and drop columns, never rename.
    if (values.length !== this.names.length) this.names = columnNamesOf(this.raw);
    const row: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i += 1) row[this.names[i] as string] = values[i];
    return row;
  }
}

const columnNamesOf = (statement: Statement): string[] => statement.columns().map((column) => column.name);
