import { PRODUCTION_MAIL } from './support/mail-env';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import { configProblems } from './support/config-problems';
import { TEST_SECRET } from './support/test-app';

const KEY = randomBytes(32).toString('base64');

test('MFA variables: defaults, and a key must be 32 bytes of base64 (never echoed)', () => {
  expect(loadConfig({}).mfa).toMatchObject({ encryptionKey: undefined, previousKeys: [], issuer: 'tollgate', requiredForAdmin: false });
  expect(loadConfig({ MFA_ENCRYPTION_KEY: KEY, MFA_REQUIRED_FOR_ADMIN: 'true' }).mfa.requiredForAdmin).toBe(true);
  const short = randomBytes(16).toString('base64');
  const problems = configProblems({ MFA_ENCRYPTION_KEY: short, MFA_PREVIOUS_ENCRYPTION_KEYS: `${KEY},nope`, MFA_ISSUER: 'a:b', MFA_REQUIRED_FOR_ADMIN: 'yes' });
  expect(problems.map((p) => p.split(' ')[0])).toEqual(['MFA_REQUIRED_FOR_ADMIN', 'MFA_ENCRYPTION_KEY', 'MFA_PREVIOUS_ENCRYPTION_KEYS', 'MFA_ISSUER']);
  expect(problems.join('\n')).not.toContain(short);
});

test('MFA_MAX_CONSECUTIVE_FAILURES: 100 by default (NIST 800-63B §5.2.2), never above; MFA_FAILURE_WINDOW a day', () => {
  expect(loadConfig({}).mfa).toMatchObject({ maxConsecutiveFailures: 100, failureWindow: 86400 });
  expect(loadConfig({ MFA_MAX_CONSECUTIVE_FAILURES: '10', MFA_FAILURE_WINDOW: '3600' }).mfa).toMatchObject({ maxConsecutiveFailures: 10, failureWindow: 3600 });
  const problems = configProblems({ MFA_MAX_CONSECUTIVE_FAILURES: '101', MFA_FAILURE_WINDOW: '0' });
  expect(problems.map((p) => p.split(' ')[0])).toEqual(['MFA_MAX_CONSECUTIVE_FAILURES', 'MFA_FAILURE_WINDOW']);
});

function sqliteConfig(dir: string, env: Record<string, string> = {}) {
  return loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: '0', BCRYPT_COST: '4', JWT_SECRET: TEST_SECRET, ...env });
}

async function enrolSomeone(dir: string, env: Record<string, string> = {}): Promise<void> {
  const server = await startServer(sqliteConfig(dir, env), createLogger('silent'));
  const db = server.services.db;
  const user = await db.insertInto('users').values({ username: 'u', username_normalized: 'u', email: 'u@example.com', email_normalized: 'u@example.com', password_hash: 'x', role: 'user', is_active: 1, created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
  const key = server.services.mfaKeys.current;
  if (!key) throw new Error('no key');
  await db.insertInto('mfa_totp').values({ user_id: user.id, secret_sealed: 'sealed', key_id: key.id, created_at: new Date().toISOString(), confirmed_at: null, last_step: null }).execute();
  await server.close();
}

test('outside production the generated key is kept beside the SQLite file (0600) and survives a restart', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-mfa-'));
  await enrolSomeone(dir);
  const file = path.join(dir, 'mfa-key');
  expect(existsSync(file)).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  // The stored row names the key's id: startup would refuse (ConfigError) if a different key were generated.
  const again = await startServer(sqliteConfig(dir), createLogger('silent'));
  await again.close();
});

test('production: no key is fine until someone enrols; then startup refuses, naming MFA_ENCRYPTION_KEY', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-mfa-'));
  const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', ...PRODUCTION_MAIL };
  const empty = await startServer(sqliteConfig(dir, production), createLogger('silent'));
  expect(empty.services.mfaKeys.current).toBeUndefined();
  await empty.close();
  await enrolSomeone(dir, { MFA_ENCRYPTION_KEY: KEY });
  const refused = await startServer(sqliteConfig(dir, production), createLogger('silent')).then(
    (s) => s.close().then(() => undefined),
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(ConfigError);
  expect((refused as ConfigError).problems[0]).toMatch(/^MFA_ENCRYPTION_KEY must be set/);
  // With the key, or with it among the previous keys after a rotation, it starts.
  await (await startServer(sqliteConfig(dir, { ...production, MFA_ENCRYPTION_KEY: KEY }), createLogger('silent'))).close();
  const rotated = { ...production, MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'), MFA_PREVIOUS_ENCRYPTION_KEYS: KEY };
  await (await startServer(sqliteConfig(dir, rotated), createLogger('silent'))).close();
});
