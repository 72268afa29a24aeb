import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer } from '../../src/server';
import { runCli, type CliRun } from '../support/cli-process';

const SECRET = 'x'.repeat(40);
const PASSWORD = 'correct horse battery staple';
// 32 characters (52 in NFD), 76 UTF-8 bytes in NFC: more than bcrypt alone would read.
const UNICODE_PASSWORD = 'é'.repeat(20) + '€'.repeat(12);

let dir: string;
let databaseUrl: string;
let created: CliRun;

/** The built CLI as an operator runs it: a separate process, the password on stdin, config from a minimal environment. */
const cli = (args: string[], stdin = ''): Promise<CliRun> => runCli(databaseUrl, args, stdin);

const createUser = (username: string, email: string, extra: string[] = []) =>
  ['create-user', '--username', username, '--email', email, ...extra, '--password-stdin'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-'));
  databaseUrl = `sqlite:${path.join(dir, 'x.db')}`;
  created = await cli(createUser('Root_Admin', 'root@example.com', ['--role', 'admin']), `${PASSWORD}\n`);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('creates the user, prints it as JSON and never the password', () => {
  expect(created).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(created.stdout)).toEqual({
    id: expect.any(Number),
    username: 'Root_Admin',
    email: 'root@example.com',
    is_active: true,
    mfa_enabled: false,
    roles: ['admin'],
    created_at: expect.any(String),
    // The operator vouches for the address.
    email_verified: true,
    pending_email: null,
  });
  expect(created.stdout + created.stderr).not.toContain(PASSWORD);
});

test.each([
  ['username', 'ROOT_ADMIN', 'someone@example.com'],
  ['email', 'someone_else', 'ROOT@Example.COM'],
])('a duplicate %s, compared case-insensitively, exits 1', async (_field, username, email) => {
  const run = await cli(createUser(username, email), PASSWORD);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('error: a user with this username or email already exists\n');
  expect(run.stdout).toBe('');
});

test('input that breaks the spec exits 2 with one line per problem', async () => {
  const run = await cli(createUser('al ice', 'not-an-email'), PASSWORD);
  expect(run.code).toBe(2);
  expect(run.stderr.trimEnd().split('\n')).toEqual(['username: must match pattern "^[A-Za-z0-9_.-]+$"', 'email: must match format "email"']);
});

test('an invalid email alone exits 2 naming the field', async () => {
  const run = await cli(createUser('valid_name', 'not-an-email'), PASSWORD);
  expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'email: must match format "email"\n' });
});

test('an unknown role exits 2 with a clear message', async () => {
  const run = await cli(createUser('valid_name', 'valid@example.com', ['--role', 'superuser']), PASSWORD);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('error: --role must be one of user, admin (got "superuser")');
});


test('a password on the common-password list exits 2 naming the field, and creates nobody', async () => {
  const run = await cli(createUser('common_pw', 'common_pw@example.com'), 'Password123\n');
  expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'password: is on a list of commonly used passwords\n' });
  // The name and address are still free: the same user with a better password is created.
  expect((await cli(createUser('common_pw', 'common_pw@example.com'), PASSWORD)).code).toBe(0);
});

test.each([
  ['an unknown command', ['frobnicate']],
  ['a missing flag', ['create-user', '--email', 'a@example.com', '--password-stdin']],
  ['no --password-stdin', ['create-user', '--username', 'abc', '--email', 'a@example.com']],
  ['an unknown flag', [...createUser('abc', 'a@example.com'), '--admin']],
])('%s exits 2 with the usage on stderr', async (_name, args) => {
  const run = await cli(args, PASSWORD);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^error: .+\nusage:\n {2}npm run cli -- create-user /);
});

test('the created admin logs in through POST /token with the admin scope', async () => {
  // CRLF is stripped as well: the user logs in with the password without it.
  const crlf = await cli(createUser('crlf_user', 'crlf@example.com'), 'another long password\r\n');
  expect(crlf.code).toBe(0);
  // Past 72 UTF-8 bytes and spelled NFD: accepted, normalised (NFKC) and pre-hashed like every other flow.
  const unicode = await cli(createUser('unicode_pw', 'unicode@example.com'), UNICODE_PASSWORD.normalize('NFD'));
  expect(unicode.code).toBe(0);

  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', BCRYPT_COST: '4', PASSWORD_THREADS: '1', JWT_SECRET: SECRET });
  const server = await startServer(config, createLogger('silent'));
  try {
    const login = (username: string, password: string) =>
      fetch(`${server.url}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username, password }) });
    const admin = await login('root_admin', PASSWORD);
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { scope: string }).scope.split(' ')).toContain('users:admin');
    const user = await login('crlf_user', 'another long password');
    expect(user.status).toBe(200);
    expect(((await user.json()) as { scope: string }).scope.split(' ')).not.toContain('users:admin');
    expect((await login('unicode_pw', UNICODE_PASSWORD.normalize('NFC'))).status).toBe(200);
    expect((await login('unicode_pw', UNICODE_PASSWORD.normalize('NFC').slice(0, -1) + '£')).status).toBe(400);
  } finally {
    await server.close();
  }
});
