import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Logger } from '../logger';
import type { DatabaseHandle, DatabaseOptions } from './database';
import type { Database } from './schema';
import { ImmediateTransactionSqliteDialect } from './sqlite-immediate-transactions';
import { assertWritable, guardDatabaseFile } from './sqlite-file-guard';
import { withStatementCache } from './sqlite-statement-cache';

const MEMORY = ':memory:';

/** `sqlite:PATH` or `sqlite::memory:`: one connection, so every write is serialized. */
export function openSqlite(
  databaseUrl: string,
  options: Pick<DatabaseOptions, 'timeoutMs'>,
  logger?: Logger,
): DatabaseHandle {
  const location = databaseUrl.slice('sqlite:'.length);
  const file = location === MEMORY ? undefined : path.resolve(location);
  if (file) keepPrivate(file);

  const sqlite = new SqliteDatabase(file ?? MEMORY);
  // WAL + synchronous=NORMAL: a commit is in the WAL file (the OS page cache) before the call returns,
  // so a crash of this process, kill -9 included, loses no committed write (tests/process/crash.test.ts).
  // Only an OS crash or power cut can lose the last commits since a checkpoint; the file still never
  // corrupts. synchronous=FULL would close that gap with an fsync per commit, which better-sqlite3 runs
  // on the event loop: measured ~6 ms per commit here against ~0.07 ms, stalling every request.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // DATABASE_TIMEOUT bounds the wait for another process's write lock (WORKERS=N, the CLI).
  sqlite.pragma(`busy_timeout = ${options.timeoutMs}`);
  if (file) assertWritable(file);
  const checkWritable = file ? guardDatabaseFile(file, logger) : () => undefined;

  const db = new Kysely<Database>({
    dialect: new ImmediateTransactionSqliteDialect({ database: withStatementCache(sqlite, checkWritable) }),
  });
  return { db, dialect: 'sqlite', file, poolWaiting: () => 0, checkWritable, close: () => db.destroy() };
}

/**
 * The database holds password hashes and refresh-token hashes: only our user may read it. A folder
 * we create is 0700; the file is created (or tightened) to 0600 before SQLite opens it, and SQLite
 * gives its -wal and -shm files the database file's mode. An existing folder is left as it is: it
 * may be the working directory.
 */
function keepPrivate(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // A file we may not write is a startup error that says so, not an EACCES from the open below.
  if (existsSync(file)) assertWritable(file);
  closeSync(openSync(file, 'a', 0o600));
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    // Only the owner may change a mode; a file another user lets us write stays as they set it.
    if (existsSync(companion) && statSync(companion).uid === process.getuid?.()) chmodSync(companion, 0o600);
  }
}
