import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { configProblems } from './support/config-problems';
import { keyPair, tempDir } from './support/keys';
import { PRODUCTION_MAIL } from './support/mail-env';

test('JWT_ALGORITHM defaults to HS256 and accepts only HS256, RS256, ES256, EdDSA', () => {
  expect(loadConfig({}).jwtAlgorithm).toBe('HS256');
  expect(configProblems({ JWT_ALGORITHM: 'none' })).toEqual([
    'JWT_ALGORITHM must be one of HS256, RS256, ES256, EdDSA (got "none")',
  ]);
  expect(configProblems({ JWT_ALGORITHM: 'hs256' })).toHaveLength(1);
});

test('an asymmetric algorithm needs JWT_PRIVATE_KEY_FILE; HS256 refuses one (a forgotten JWT_ALGORITHM)', () => {
  expect(configProblems({ JWT_ALGORITHM: 'EdDSA' })).toEqual([
    'JWT_PRIVATE_KEY_FILE must name a PEM private key file when JWT_ALGORITHM=EdDSA',
  ]);
  expect(configProblems({ JWT_PRIVATE_KEY_FILE: '/keys/tollgate.pem' })).toEqual([
    expect.stringMatching(/^JWT_PRIVATE_KEY_FILE is only used with JWT_ALGORITHM=RS256, ES256 or EdDSA/),
  ]);
});

test('production: HS256 still requires JWT_SECRET, an asymmetric algorithm does not', () => {
  expect(
    configProblems({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://auth.example.com',
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY_FILE: '/keys/k.pem',
      ...PRODUCTION_MAIL,
    }),
  ).toEqual([]);
  expect(configProblems({ NODE_ENV: 'production', JWT_ALGORITHM: 'HS256' })[0]).toMatch(/^JWT_SECRET/);
});

test('PUBLIC_URL: an http(s) URL, trailing slash dropped; the issuer defaults to it', () => {
  expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com/' })).toMatchObject({
    publicUrl: 'https://auth.example.com',
    jwtIssuer: 'https://auth.example.com',
  });
  expect(loadConfig({ PUBLIC_URL: 'https://example.com/auth/' }).publicUrl).toBe('https://example.com/auth');
  expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com', JWT_ISSUER: 'other' }).jwtIssuer).toBe('other');
  expect(loadConfig({})).toMatchObject({ publicUrl: undefined, jwtIssuer: 'tollgate' });
  for (const bad of ['auth.example.com', 'ftp://example.com', 'https://example.com/?a=1', 'https://example.com/#x']) {
    expect(configProblems({ PUBLIC_URL: bad })).toEqual([
      `PUBLIC_URL must be an http(s) URL like https://auth.example.com (got "${bad}")`,
    ]);
  }
});

test('the server process refuses a key that does not fit the algorithm: exit 2, one line naming the variable', async () => {
  const dir = tempDir();
  try {
    const rsa = await keyPair(dir, 'RS256');
    const env = {
      ...process.env,
      PORT: '0',
      DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      JWT_ALGORITHM: 'ES256',
      JWT_PRIVATE_KEY_FILE: rsa.privateKeyFile,
    };
    const result = spawnSync('node', ['dist/src/main.js'], {
      cwd: path.resolve(__dirname, '..'),
      env,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `configuration error: JWT_PRIVATE_KEY_FILE (${rsa.privateKeyFile}) does not fit JWT_ALGORITHM=ES256: ES256 needs an EC P-256 key, not a key of type rsa`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
