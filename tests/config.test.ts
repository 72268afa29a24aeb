import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { configProblems } from './support/config-problems';
import { PRODUCTION_MAIL } from './support/mail-env';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';

test('defaults', () => {
  expect(loadConfig({})).toMatchObject({
    port: 3000,
    host: '127.0.0.1',
    databaseUrl: 'sqlite:./data/tollgate.db',
    accessTokenTtl: 900,
    bcryptCost: 12,
    logLevel: 'info',
    responseValidation: 'strict',
  });
});

test('every invalid variable is reported, one line each, naming it', () => {
  const problems = configProblems({
    PORT: 'abc',
    BCRYPT_COST: '99',
    ACCESS_TOKEN_TTL: '-5',
    LOG_LEVEL: 'loud',
    DATABASE_URL: 'mysql://x',
  });
  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'DATABASE_URL',
    'PORT',
    'ACCESS_TOKEN_TTL',
    'BCRYPT_COST',
    'LOG_LEVEL',
  ]);
});

test('throttling: defaults from the issue, and each limit checked', () => {
  expect(loadConfig({})).toMatchObject({
    trustProxy: false,
    loginMaxFailures: 5,
    loginMaxFailuresPerIp: 100,
    loginFailureWindow: 900,
    registrationMaxPerIp: 20,
    registrationWindow: 3600,
  });
  const problems = configProblems({
    TRUST_PROXY: 'yes',
    LOGIN_MAX_FAILURES: '0',
    LOGIN_MAX_FAILURES_PER_IP: 'many',
    LOGIN_FAILURE_WINDOW: '-1',
    REGISTRATION_MAX_PER_IP: '1.5',
    REGISTRATION_WINDOW: '',
  });
  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'TRUST_PROXY',
    'LOGIN_MAX_FAILURES',
    'LOGIN_MAX_FAILURES_PER_IP',
    'LOGIN_FAILURE_WINDOW',
    'REGISTRATION_MAX_PER_IP',
  ]);
});

test('shutdown and server timeouts: defaults, limits, and headers never outlasting the request', () => {
  expect(loadConfig({})).toMatchObject({
    shutdownTimeout: 10,
    headersTimeout: 10,
    requestTimeout: 30,
    keepAliveTimeout: 5,
  });
  expect(
    configProblems({ SHUTDOWN_TIMEOUT: '-1', HEADERS_TIMEOUT: '0', KEEP_ALIVE_TIMEOUT: 'soon' }).map(
      (p) => p.split(' ')[0],
    ),
  ).toEqual(['SHUTDOWN_TIMEOUT', 'HEADERS_TIMEOUT', 'KEEP_ALIVE_TIMEOUT']);
  expect(configProblems({ HEADERS_TIMEOUT: '20', REQUEST_TIMEOUT: '15' })).toEqual([
    'HEADERS_TIMEOUT (20) must not exceed REQUEST_TIMEOUT (15)',
  ]);
});

test('responses are checked strictly outside production, not at all in production unless asked', () => {
  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://auth.example.com',
    JWT_SECRET: 'x'.repeat(32),
    ...PRODUCTION_MAIL,
  };
  expect(loadConfig({}).responseValidation).toBe('strict');
  expect(loadConfig(production).responseValidation).toBe('off');
  expect(loadConfig({ ...production, RESPONSE_VALIDATION: 'log' }).responseValidation).toBe('log');
});

test('production refuses to start without a JWT_SECRET of at least 32 bytes', () => {
  const publicUrl = { PUBLIC_URL: 'https://auth.example.com' };
  expect(configProblems({ NODE_ENV: 'production', ...publicUrl })[0]).toMatch(/^JWT_SECRET/);
  expect(configProblems({ NODE_ENV: 'production', ...publicUrl, JWT_SECRET: 'short' })[0]).toMatch(/^JWT_SECRET/);
  expect(
    configProblems({ NODE_ENV: 'production', ...publicUrl, JWT_SECRET: 'x'.repeat(32), ...PRODUCTION_MAIL }),
  ).toEqual([]);
});

test('a JWT_SECRET shorter than 32 bytes is refused in every mode', () => {
  expect(configProblems({ JWT_SECRET: 'x'.repeat(31) })).toEqual([
    'JWT_SECRET must be at least 32 bytes (got 31); generate one with: openssl rand -base64 48',
  ]);
  expect(configProblems({ JWT_SECRET: 'x'.repeat(32) })).toEqual([]);
});

test('production refuses to start without PUBLIC_URL: the cacheable metadata must not follow the Host header', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ...PRODUCTION_MAIL };
  expect(configProblems(production)).toEqual([
    'PUBLIC_URL must be set when NODE_ENV=production (the base URL clients reach this server at, like https://auth.example.com)',
  ]);
  expect(configProblems({ ...production, PUBLIC_URL: 'https://auth.example.com' })).toEqual([]);
});

describe('the server process', () => {
  test('exits non-zero with one line naming the bad variable', () => {
    const result = spawnSync('node', ['dist/src/main.js'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, PORT: 'nope' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'configuration error: PORT must be an integer from 0 to 65535 (got "nope")',
    ]);
  });
});

test('without JWT_SECRET a generated secret is kept beside the database, so tokens survive a restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-secret-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: '0', BCRYPT_COST: '4' });
  const logger = createLogger('silent');
  const first = await startServer(config, logger);
  const token = await first.services.tokens.issue({ id: 1, token_version: 0 }, ['me']);
  await first.close();
  const second = await startServer(config, logger);
  expect((await second.services.tokens.verify(token))?.sub).toBe('1');
  await second.close();
});

test('password hash bounds: defaults from issue 21, each checked, never below BCRYPT_COST', () => {
  expect(loadConfig({}).passwordHashBounds).toEqual({
    bcryptCost: 14,
    argon2MemoryKib: 262_144,
    argon2Time: 10,
    argon2Parallelism: 16,
  });
  // The default bound follows BCRYPT_COST up, so BCRYPT_COST=15 alone keeps working.
  expect(loadConfig({ BCRYPT_COST: '15' }).passwordHashBounds.bcryptCost).toBe(15);
  const problems = configProblems({
    PASSWORD_HASH_MAX_BCRYPT_COST: '32',
    PASSWORD_HASH_MAX_ARGON2_MEMORY_KIB: 'lots',
    PASSWORD_HASH_MAX_ARGON2_TIME: '0',
    PASSWORD_HASH_MAX_ARGON2_PARALLELISM: '256',
  });
  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'PASSWORD_HASH_MAX_BCRYPT_COST',
    'PASSWORD_HASH_MAX_ARGON2_MEMORY_KIB',
    'PASSWORD_HASH_MAX_ARGON2_TIME',
    'PASSWORD_HASH_MAX_ARGON2_PARALLELISM',
  ]);
  expect(configProblems({ BCRYPT_COST: '12', PASSWORD_HASH_MAX_BCRYPT_COST: '10' })).toEqual([
    'PASSWORD_HASH_MAX_BCRYPT_COST (10) must not be below BCRYPT_COST (12)',
  ]);
});
