import { rmSync } from 'node:fs';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { loadAllKeys } from '../src/security/keys/id-token-keys';
import { configProblems } from './support/config-problems';
import { keyPair, tempDir } from './support/keys';

const SECRET = 'x'.repeat(40);

test('AUTHORIZATION_UI_URL defaults to {PUBLIC_URL}/ui/authorize (a path without PUBLIC_URL) and must be an http(s) URL', () => {
  expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com' }).oidc.authorizationUiUrl).toBe(
    'https://auth.example.com/ui/authorize',
  );
  expect(loadConfig({}).oidc.authorizationUiUrl).toBe('/ui/authorize');
  expect(loadConfig({ AUTHORIZATION_UI_URL: 'https://login.example.com/sign-in' }).oidc.authorizationUiUrl).toBe(
    'https://login.example.com/sign-in',
  );
  expect(configProblems({ AUTHORIZATION_UI_URL: 'javascript:alert(1)' })).toEqual([
    expect.stringMatching(/^AUTHORIZATION_UI_URL must be an http\(s\) URL/),
  ]);
  expect(configProblems({ AUTHORIZATION_UI_URL: 'https://login.example.com/?x=1' })).toHaveLength(1);
});

describe('ID_TOKEN_PRIVATE_KEY_FILE', () => {
  const logger = createLogger('silent');

  test('an RSA key signs ID tokens with RS256 and is published; the HS256 secret is not', async () => {
    const dir = tempDir();
    try {
      const pair = await keyPair(dir, 'RS256');
      const { keys, idTokenKey } = await loadAllKeys(
        loadConfig({ JWT_SECRET: SECRET, ID_TOKEN_PRIVATE_KEY_FILE: pair.privateKeyFile }),
        undefined,
        logger,
      );
      expect(keys.signing.alg).toBe('HS256');
      expect(idTokenKey?.signing.alg).toBe('RS256');
      expect(idTokenKey?.jwk).toMatchObject({ kty: 'RSA', kid: pair.kid, alg: 'RS256', use: 'sig' });
      expect(idTokenKey?.jwk).not.toHaveProperty('d');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a key that is not RSA ≥ 2048, or no key at all, fails startup naming the variable', async () => {
    const dir = tempDir();
    try {
      const ed = await keyPair(dir, 'EdDSA');
      await expect(
        loadAllKeys(
          loadConfig({ JWT_SECRET: SECRET, ID_TOKEN_PRIVATE_KEY_FILE: ed.privateKeyFile }),
          undefined,
          logger,
        ),
      ).rejects.toThrow(ConfigError);
      await expect(
        loadAllKeys(
          loadConfig({ JWT_SECRET: SECRET, ID_TOKEN_PRIVATE_KEY_FILE: `${dir}/missing.pem` }),
          undefined,
          logger,
        ),
      ).rejects.toThrow(/ID_TOKEN_PRIVATE_KEY_FILE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('development with HS256: a generated RSA key kept beside the SQLite file, the same after a restart', async () => {
    const dir = tempDir();
    try {
      const config = loadConfig({ JWT_SECRET: SECRET });
      const first = await loadAllKeys(config, `${dir}/tollgate.db`, logger);
      const second = await loadAllKeys(config, `${dir}/tollgate.db`, logger);
      expect(first.idTokenKey?.signing.alg).toBe('RS256');
      expect(second.idTokenKey?.signing.kid).toBe(first.idTokenKey?.signing.kid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
