import { rmSync } from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { keyPair, previousKeysFile, tempDir, type AsymmetricAlgorithm, type TestKeyPair } from '../support/keys';
import { bearer, registeredUser } from '../support/flows';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const appWithKey = (pair: TestKeyPair, env: Record<string, string> = {}) =>
  startTestApp({ JWT_ALGORITHM: pair.alg, JWT_PRIVATE_KEY_FILE: pair.privateKeyFile, ...env });
const me = async (app: TestApp, token: string) =>
  (await app.client.GET('/users/me', { headers: bearer(token) })).response.status;

describe.each(['RS256', 'ES256', 'EdDSA'] as const)('JWT_ALGORITHM=%s', (alg: AsymmetricAlgorithm) => {
  let app: TestApp;
  let pair: TestKeyPair;
  beforeAll(async () => {
    pair = await keyPair(dir, alg);
    app = await appWithKey(pair);
  });
  afterAll(() => app.close());

  test('issues tokens with that alg and the key thumbprint as kid, accepted by GET /users/me', async () => {
    const user = await registeredUser(app);
    expect(decodeProtectedHeader(user.token)).toEqual({ alg, typ: 'at+jwt', kid: pair.kid });
    expect(await me(app, user.token)).toBe(200);
  });

  test('an outside library verifies the token with nothing but the JWKS document', async () => {
    const user = await registeredUser(app);
    const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(user.token, jwks, {
      issuer: 'tollgate',
      audience: 'tollgate',
      typ: 'at+jwt',
      algorithms: [alg],
    });
    expect(protectedHeader.kid).toBe(pair.kid);
    expect(payload.scope).toBe('me todos:read todos:write');
  });
});

describe('key rotation without logging anyone out', () => {
  const database = `sqlite:${path.join(dir, 'rotation.db')}`;
  let oldToken: string;
  let oldKey: TestKeyPair;
  let publishedOldKey: object;

  beforeAll(async () => {
    oldKey = await keyPair(dir, 'RS256');
    const before = await appWithKey(oldKey, { DATABASE_URL: database });
    oldToken = (await registeredUser(before)).token;
    // The runbook: the retired key's entry is copied from the JWKS the old deployment published.
    publishedOldKey = ((await (await before.raw('/.well-known/jwks.json')).json()) as { keys: object[] }).keys[0] ?? {};
    await before.close();
  });

  test('after a restart on a new key, a token from the previous key still verifies; the JWKS lists both', async () => {
    const newKey = await keyPair(dir, 'EdDSA');
    const app = await appWithKey(newKey, {
      DATABASE_URL: database,
      JWT_PREVIOUS_KEYS_FILE: previousKeysFile(dir, [publishedOldKey]),
    });
    try {
      expect(await me(app, oldToken)).toBe(200);
      const fresh = await registeredUser(app);
      expect(decodeProtectedHeader(fresh.token).kid).toBe(newKey.kid);
      const jwks = (await (await app.raw('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKey.kid, oldKey.kid]);
      // Resource servers verify both generations from the same document.
      const remote = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
      await expect(jwtVerify(oldToken, remote)).resolves.toBeDefined();
    } finally {
      await app.close();
    }
  });

  test('without the previous keys file the old token is refused', async () => {
    const app = await appWithKey(await keyPair(dir, 'EdDSA'), { DATABASE_URL: database });
    try {
      expect(await me(app, oldToken)).toBe(401);
    } finally {
      await app.close();
    }
  });

  test('from HS256 to RS256: the old secret, listed as an oct key, keeps HS256 tokens alive', async () => {
    const hsDatabase = `sqlite:${path.join(dir, 'hs-to-rs.db')}`;
    const before = await startTestApp({ DATABASE_URL: hsDatabase });
    const hsToken = (await registeredUser(before)).token;
    await before.close();
    const oldSecret = { kty: 'oct', alg: 'HS256', k: Buffer.from(TEST_SECRET).toString('base64url') };
    const app = await appWithKey(await keyPair(dir, 'RS256'), {
      DATABASE_URL: hsDatabase,
      JWT_PREVIOUS_KEYS_FILE: previousKeysFile(dir, [oldSecret]),
    });
    try {
      expect(await me(app, hsToken)).toBe(200);
      expect(
        ((await (await app.raw('/.well-known/jwks.json')).json()) as { keys: { kty: string }[] }).keys.map(
          (k) => k.kty,
        ),
      ).toEqual(['RSA']);
    } finally {
      await app.close();
    }
  });
});

describe('tokens from keys we do not hold', () => {
  let app: TestApp;
  let current: TestKeyPair;
  let subject: string;
  beforeAll(async () => {
    current = await keyPair(dir, 'ES256');
    app = await appWithKey(current);
    const user = await registeredUser(app);
    subject = String((await app.client.GET('/users/me', { headers: user.auth })).data?.id);
  });
  afterAll(() => app.close());

  const claims = () => ({ sub: subject, scope: 'me', iss: 'tollgate', aud: 'tollgate', jti: 'forged', ver: 0 });
  const sign = (pair: TestKeyPair, kid: string | undefined) =>
    new SignJWT(claims())
      .setProtectedHeader({ alg: pair.alg, typ: 'at+jwt', ...(kid !== undefined && { kid }) })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(pair.privateKey);

  test('the current key signs a valid token (the forgery helper is sound), with or without kid', async () => {
    expect(await me(app, await sign(current, current.kid))).toBe(200);
    expect(await me(app, await sign(current, undefined))).toBe(200);
  });

  test('an unknown key → 401, under its own kid, under the current kid, or without kid', async () => {
    const stranger = await keyPair(dir, 'ES256');
    expect(await me(app, await sign(stranger, stranger.kid))).toBe(401);
    expect(await me(app, await sign(stranger, current.kid))).toBe(401);
    expect(await me(app, await sign(stranger, undefined))).toBe(401);
  });
});
