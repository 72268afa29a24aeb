import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import Sqlite from 'better-sqlite3';
import { UsageError } from '../command';
import type { SourceRecord } from './user-records';

/** The columns of the FastAPI tutorials' SQLAlchemy model `User` (`__tablename__ = "users"`). */
const TUTORIAL_COLUMNS = ['id', 'username', 'email', 'hashed_password', 'is_active'] as const;

type TutorialRow = Record<(typeof TUTORIAL_COLUMNS)[number], unknown>;

function mustExist(path: string): void {
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
}

/** Rows of the tutorials' `users` table, in id order; extra columns are ignored. Read-only: the file is never changed. */
export function* readTutorialSqlite(path: string): Generator<SourceRecord> {
  mustExist(path);
  let sqlite: Sqlite.Database;
  try {
    sqlite = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new UsageError(`${path} is not a SQLite database (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    const columns = new Set(tableColumns(sqlite, path));
    const missing = TUTORIAL_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) throw new UsageError(`${path}: table "users" has no column ${missing.join(', ')}`);
    const rows = sqlite.prepare(`SELECT ${TUTORIAL_COLUMNS.join(', ')} FROM users ORDER BY id`).iterate() as IterableIterator<TutorialRow>;
    for (const row of rows) {
      const ref = { id: typeof row.id === 'number' || typeof row.id === 'string' ? row.id : String(row.id) };
      yield { ref, fields: { username: row.username, email: row.email, password_hash: row.hashed_password, is_active: row.is_active } };
    }
  } finally {
    sqlite.close();
  }
}

function tableColumns(sqlite: Sqlite.Database, path: string): string[] {
  try {
    return (sqlite.prepare("SELECT name FROM pragma_table_info('users')").all() as { name: string }[]).map((c) => c.name);
  } catch (error) {
    throw new UsageError(`${path} cannot be read as a SQLite database (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** One JSON object per line (blank lines skipped); a line that is not one is reported, not fatal. */
export async function* readJsonLines(path: string): AsyncGenerator<SourceRecord> {
  mustExist(path);
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    yield { ref: { line }, ...parseObject(text) };
  }
}

function parseObject(text: string): Pick<SourceRecord, 'fields' | 'unreadable'> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { fields: value as Record<string, unknown> };
    return { fields: undefined, unreadable: 'not_an_object' };
  } catch {
    return { fields: undefined, unreadable: 'invalid_json' };
  }
}
