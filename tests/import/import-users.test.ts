import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hash as argon2Hash } from '@node-rs/argon2';
import Sqlite from 'better-sqlite3';
import { lastJsonLine, ROOT, runCli } from '../support/cli-process';
import { freshTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestAppOn, type TestApp } from '../support/test-app';

// import-users against the dialect under test (SQLite and PostgreSQL), with the server running on
// the same database the whole time: the CLI is a separate process, as an operator runs it.

// @node-rs/argon2's Algorithm is a const enum, which isolated modules cannot read: its values.
const ARGON2I = 1;
const ARGON2ID = 2;

const FIXTURE = path.join(ROOT, 'tests/fixtures/fastapi-tutorial/users.db');

let dir: string;
let database: TestDatabase;
let app: TestApp;
let tutorialDb: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-import-'));
  database = await freshTestDatabase();
  app = await startTestAppOn(database.url);
  // The committed tutorial database, plus a column of the reader's own: extra columns are ignored.
  tutorialDb = path.join(dir, 'tutorial.db');
  copyFileSync(FIXTURE, tutorialDb);
  const sqlite = new Sqlite(tutorialDb);
  sqlite.exec("ALTER TABLE users ADD COLUMN full_name VARCHAR DEFAULT 'Some Body'");
  sqlite.close();
}, 60_000);
afterAll(async () => {
  await app.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const login = (username: string, password: string) => app.raw('/token', form({ username, password }));
const storedUser = (username: string) =>
  app.server.services.db
    .selectFrom('users')
    .select(['password_hash', 'is_active', 'role'])
    .where('username_normalized', '=', username.toLowerCase())
    .executeTakeFirst();
const userCount = async () => (await app.server.services.db.selectFrom('users').select('id').execute()).length;
const fixtureHash = (username: string) => {
  const sqlite = new Sqlite(FIXTURE, { readonly: true });
  const row = sqlite.prepare('SELECT hashed_password FROM users WHERE username = ?').get(username) as {
    hashed_password: string;
  };
  sqlite.close();
  return row.hashed_password;
};

const TUTORIAL_SKIPS = [
  { id: 4, reason: 'invalid_username' },
  { id: 5, reason: 'invalid_username' },
  { id: 6, reason: 'invalid_email' },
  { id: 7, reason: 'unknown_hash_scheme' },
  { id: 8, reason: 'username_taken' },
  { id: 9, reason: 'email_taken' },
];

describe('import-users --from-sqlite (the tutorial database, real passlib bcrypt hashes)', () => {
  test('--dry-run reports what it would do and writes nothing', async () => {
    const run = await runCli(database.url, ['import-users', '--from-sqlite', tutorialDb, '--dry-run']);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual({ imported: 5, skipped: 6, errors: TUTORIAL_SKIPS });
    expect(await userCount()).toBe(0);
  });

  test('imports the valid rows with their hashes unchanged; skips and reports the others', async () => {
    const run = await runCli(database.url, ['import-users', '--from-sqlite', tutorialDb]);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual({ imported: 5, skipped: 6, errors: TUTORIAL_SKIPS });
    expect(await userCount()).toBe(5);
    expect(await storedUser('testuser')).toEqual({
      password_hash: fixtureHash('testuser'),
      is_active: 1,
      role: 'user',
    });
    expect((await storedUser('testuser'))?.password_hash).toMatch(/^\$2b\$12\$/);
  });

  test('the same import again imports nothing', async () => {
    const run = await runCli(database.url, ['import-users', '--from-sqlite', tutorialDb]);
    expect(run.code).toBe(0);
    const already = ['testuser', 'alice', 'bob', 'grace', 'heidi'].map((_, i) => ({
      id: [1, 2, 3, 10, 11][i],
      reason: 'already_imported',
    }));
    const byId = (a: { id?: number }, b: { id?: number }) => (a.id ?? 0) - (b.id ?? 0);
    expect(lastJsonLine(run)).toEqual({ imported: 0, skipped: 11, errors: [...already, ...TUTORIAL_SKIPS].sort(byId) });
    expect(await userCount()).toBe(5);
  });

  test.each([
    ['testuser', 'testpassword', '$2b$, cost 12'],
    ['grace', 'grace password', '$2a$, cost 5'],
    ['heidi', 'heidi password', '$2y$, NULL is_active'],
  ])('%s logs in with the tutorial password (%s)', async (username, password) => {
    expect((await login(username, password)).status).toBe(200);
    expect((await login(username, 'not the password')).status).toBe(400);
  });

  test('an inactive user stays inactive: the right password gets invalid_grant', async () => {
    expect((await storedUser('bob'))?.is_active).toBe(0);
    const response = await login('bob', 'bob password');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid username or password.',
    });
  });
});

describe('import-users --from-jsonl (Argon2 hashes, as pwdlib writes them)', () => {
  let jsonl: string;
  beforeAll(async () => {
    const lines = [
      JSON.stringify({
        username: 'ivan',
        email: 'ivan@example.com',
        password_hash: await argon2Hash('ivan password', { algorithm: ARGON2ID }),
        email_verified: true,
      }),
      JSON.stringify({
        username: 'judy',
        email: 'judy@example.com',
        password_hash: await argon2Hash('judy password', { algorithm: ARGON2I }),
        role: 'admin',
      }),
      '{"username": "mallory", "email": ',
      JSON.stringify({
        username: 'oscar',
        email: 'oscar@example.com',
        password_hash: '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E',
      }),
      '',
      JSON.stringify({
        username: 'TestUser',
        email: 'other@example.com',
        password_hash: await argon2Hash('x password', { algorithm: ARGON2ID }),
      }),
      JSON.stringify({
        username: 'peggy',
        email: 'peggy@example.com',
        password_hash: await argon2Hash('peggy password', { algorithm: ARGON2ID }),
        is_active: false,
      }),
      JSON.stringify({
        username: 'trent',
        email: 'trent@example.com',
        password_hash: fixtureHash('alice'),
        role: 'owner',
      }),
    ];
    jsonl = path.join(dir, 'users.jsonl');
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
  });

  test('imports Argon2id and Argon2i hashes as they are; reports the lines it skips', async () => {
    const run = await runCli(database.url, ['import-users', '--from-jsonl', jsonl]);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual({
      imported: 3,
      skipped: 4,
      errors: [
        { line: 3, reason: 'invalid_json' },
        { line: 4, reason: 'unknown_hash_scheme' },
        { line: 6, reason: 'username_taken' },
        { line: 8, reason: 'invalid_role' },
      ],
    });
    expect((await storedUser('ivan'))?.password_hash).toMatch(/^\$argon2id\$/);
    // The source's email_verified is kept; a line without one is unverified.
    const verified = (username: string) =>
      app.server.services.db
        .selectFrom('users')
        .select('email_verified')
        .where('username_normalized', '=', username)
        .executeTakeFirst();
    expect(await verified('ivan')).toEqual({ email_verified: 1 });
    expect(await verified('judy')).toEqual({ email_verified: 0 });
    expect(await storedUser('judy')).toEqual({
      password_hash: expect.stringMatching(/^\$argon2i\$/),
      is_active: 1,
      role: 'admin',
    });
    expect((await storedUser('peggy'))?.is_active).toBe(0);
  });

  test('a wrong password against an Argon2 hash is invalid_grant, and the hash stays as it was', async () => {
    const before = (await storedUser('judy'))?.password_hash;
    const response = await login('judy', 'not judy password');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await storedUser('judy'))?.password_hash).toBe(before);
  });

  test('the first successful login replaces the Argon2 hash with bcrypt at BCRYPT_COST; the password keeps working', async () => {
    expect((await login('ivan', 'ivan password')).status).toBe(200);
    expect((await storedUser('ivan'))?.password_hash).toMatch(/^\$2[ab]\$04\$[./A-Za-z0-9]{53}$/);
    expect((await login('ivan', 'ivan password')).status).toBe(200);
    expect((await login('ivan', 'wrong password')).status).toBe(400);
  });

  test('an inactive Argon2 user is refused and keeps its hash', async () => {
    expect((await login('peggy', 'peggy password')).status).toBe(400);
    expect((await storedUser('peggy'))?.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('import-users refuses hashes dearer than the bounds (issue 21 item 9)', () => {
  const SALT = 'c29tZXNhbHRzb21lc2FsdA';
  const DIGEST = 'A'.repeat(43);
  const row = (username: string, password_hash: string) =>
    JSON.stringify({ username, email: `${username}@example.com`, password_hash });
  const importLines = (name: string, lines: string[], env: Record<string, string> = {}) => {
    const target = path.join(dir, name);
    writeFileSync(target, `${lines.join('\n')}\n`);
    return runCli(database.url, ['import-users', '--from-jsonl', target], '', env);
  };

  test('at the default bounds (bcrypt cost 14; Argon2 256 MiB, 10 passes, 16 lanes) each is skipped with the reason; the rest goes in', async () => {
    const run = await importLines('dear.jsonl', [
      row('dear_bcrypt', `$2b$31$${'A'.repeat(53)}`),
      row('dear_memory', `$argon2id$v=19$m=4194304,t=3,p=1$${SALT}$${DIGEST}`),
      row('dear_time', `$argon2id$v=19$m=19456,t=1000,p=1$${SALT}$${DIGEST}`),
      row('dear_lanes', `$argon2i$v=19$m=19456,t=2,p=255$${SALT}$${DIGEST}`),
      row('at_bounds14', `$2y$14$${'A'.repeat(53)}`),
      row('at_bounds_a2', `$argon2id$v=19$m=262144,t=10,p=16$${SALT}$${DIGEST}`),
    ]);
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual({
      imported: 2,
      skipped: 4,
      errors: [1, 2, 3, 4].map((line) => ({ line, reason: 'hash_cost_too_high' })),
    });
    expect(await storedUser('dear_bcrypt')).toBeUndefined();
    expect(await storedUser('at_bounds14')).toBeDefined();
  });

  test('the bounds come from PASSWORD_HASH_MAX_*', async () => {
    const run = await importLines(
      'bounded.jsonl',
      [
        row('cost_six', bcryptHashAt(6)),
        row('cost_five', bcryptHashAt(5)),
        row('argon2_19m', `$argon2id$v=19$m=19456,t=2,p=1$${SALT}$${DIGEST}`),
      ],
      {
        PASSWORD_HASH_MAX_BCRYPT_COST: '5',
        PASSWORD_HASH_MAX_ARGON2_MEMORY_KIB: '8192',
      },
    );
    expect(run.code).toBe(0);
    expect(lastJsonLine(run)).toEqual({
      imported: 1,
      skipped: 2,
      errors: [
        { line: 1, reason: 'hash_cost_too_high' },
        { line: 3, reason: 'hash_cost_too_high' },
      ],
    });
  });
});

const bcryptHashAt = (cost: number) => `$2b$0${cost}$${'A'.repeat(53)}`;
