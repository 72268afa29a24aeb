/**
 * `npm run bench:import`: how long `npm run cli -- import-users` takes for many users, each source
 * format, run as an operator runs it (the built CLI in its own process, startup and migrations
 * included). Imports never compute nor verify a hash, so every row carries one well-formed bcrypt hash.
 * Knobs: IMPORT_BENCH_USERS (default 100000); IMPORT_BENCH_DATABASE_URL, an empty database to
 * import into (PostgreSQL, say; it is left holding the users), instead of a fresh SQLite file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';

const USERS = Number(process.env.IMPORT_BENCH_USERS ?? 100_000);
const CLI = path.resolve(__dirname, '../src/cli.js');
const HASH = '$2b$12$EwAsmQJ3aT9nOPe3yY6OMuXgQ5qlX2sBvD3nS3pcyU1a8S2pOGYJq';

const user = (i: number) => ({ username: `user${i}`, email: `user${i}@example.com`, hash: HASH });

function writeJsonLines(file: string, prefix: string): void {
  const lines = Array.from({ length: USERS }, (_, i) => {
    const u = user(i);
    return JSON.stringify({ username: `${prefix}${u.username}`, email: `${prefix}${u.email}`, password_hash: u.hash });
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The FastAPI tutorial's `users` table, as SQLAlchemy creates it. */
function writeTutorialSqlite(file: string, prefix: string): void {
  const sqlite = new Sqlite(file);
  sqlite.exec(
    'CREATE TABLE users (id INTEGER NOT NULL, username VARCHAR, email VARCHAR, hashed_password VARCHAR, is_active BOOLEAN, PRIMARY KEY (id))',
  );
  const insert = sqlite.prepare('INSERT INTO users VALUES (?, ?, ?, ?, 1)');
  sqlite.transaction(() => {
    for (let i = 0; i < USERS; i++)
      insert.run(i + 1, `${prefix}${user(i).username}`, `${prefix}${user(i).email}`, HASH);
  })();
  sqlite.close();
}

function timeImport(databaseUrl: string, flag: string, file: string): { seconds: number; summary: string } {
  const started = process.hrtime.bigint();
  const stdout = execFileSync(process.execPath, [CLI, 'import-users', flag, file], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(40) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = JSON.parse(stdout.trimEnd().split('\n').pop() ?? '{}') as { imported: number; skipped: number };
  return { seconds, summary: `imported ${summary.imported}, skipped ${summary.skipped}` };
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-import-bench-'));
  try {
    const databaseUrl = process.env.IMPORT_BENCH_DATABASE_URL ?? `sqlite:${path.join(dir, 'tollgate.db')}`;
    const jsonl = path.join(dir, 'users.jsonl');
    const tutorial = path.join(dir, 'tutorial.db');
    writeJsonLines(jsonl, 'j');
    writeTutorialSqlite(tutorial, 's');
    const target = databaseUrl.startsWith('sqlite:') ? 'a fresh SQLite file' : 'IMPORT_BENCH_DATABASE_URL';
    for (const [name, flag, file] of [
      ['JSON Lines', '--from-jsonl', jsonl],
      ['tutorial SQLite', '--from-sqlite', tutorial],
    ] as const) {
      const { seconds, summary } = timeImport(databaseUrl, flag, file);
      console.log(
        `${name}: ${USERS} users into ${target} in ${seconds.toFixed(2)} s (${Math.round(USERS / seconds)} users/s; ${summary})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
