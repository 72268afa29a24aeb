import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { lastJsonLine, runCli } from '../support/cli-process';

// Invocation and reporting of import-users; imports themselves, on both dialects, are in tests/import/.

let dir: string;
let databaseUrl: string;
const file = (name: string, content: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-import-'));
  databaseUrl = `sqlite:${path.join(dir, 'tollgate.db')}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import-users: a bad invocation exits 2 with the usage text and imports nothing', () => {
  test.each([
    ['no source', () => []],
    ['both sources', () => ['--from-sqlite', path.join(dir, 'a.db'), '--from-jsonl', path.join(dir, 'a.jsonl')]],
    ['a missing file', () => ['--from-jsonl', path.join(dir, 'missing.jsonl')]],
    ['a file that is not SQLite', () => ['--from-sqlite', file('text.db', 'not a database, just text '.repeat(200))]],
    ['a SQLite file without the users table', () => ['--from-sqlite', emptySqlite()]],
    ['an unknown flag', () => ['--from-jsonl', file('ok.jsonl', ''), '--force']],
  ])('%s', async (_name, args) => {
    const run = await runCli(databaseUrl, ['import-users', ...args()]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: .+\nusage:/);
  });
});

function emptySqlite(): string {
  const target = path.join(dir, 'empty.db');
  const sqlite = new Sqlite(target);
  sqlite.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
  sqlite.close();
  return target;
}

test('a large import prints progress on stderr; the summary is the last stdout line', async () => {
  // One real bcrypt hash for every row: an import never computes one, so any valid hash will do.
  const hash = '$2b$04$M3phpFexUerqUkDUiDw./uSogSVb0ZFPHk.h1XBrqgNJ8Cj.2WFlm';
  const lines = Array.from({ length: 10_001 }, (_, i) =>
    JSON.stringify({ username: `user${i}`, email: `user${i}@example.com`, password_hash: hash }),
  );
  const run = await runCli(databaseUrl, ['import-users', '--from-jsonl', file('many.jsonl', lines.join('\n'))]);
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('import-users: 10000 rows read, 10000 imported, 0 skipped\n');
  expect(lastJsonLine(run)).toEqual({ imported: 10_001, skipped: 0, errors: [] });
});
