import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type JwtAlgorithm } from '../../src/config';
import { loadKeyRing } from '../../src/security/keys/key-ring';
import { keyPair, previousKeysFile, tempDir, thumbprint } from '../support/keys';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = Buffer.from('key-ring-test-secret-key-ring-test-secret');

async function problemsOf(jwtAlgorithm: JwtAlgorithm, jwtPrivateKeyFile?: string, jwtPreviousKeysFile?: string): Promise<string[]> {
  try {
    await loadKeyRing({ jwtAlgorithm, jwtPrivateKeyFile, jwtPreviousKeysFile }, jwtAlgorithm === 'HS256' ? SECRET : undefined);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? [...error.problems] : [`not a ConfigError: ${String(error)}`];
  }
}

test.each(['RS256', 'ES256', 'EdDSA'] as const)('%s: kid is the public key thumbprint and the JWKS publishes exactly that key', async (alg) => {
  const pair = await keyPair(dir, alg);
  const ring = await loadKeyRing({ jwtAlgorithm: alg, jwtPrivateKeyFile: pair.privateKeyFile, jwtPreviousKeysFile: undefined }, undefined);
  expect(ring.signing).toMatchObject({ kid: pair.kid, alg });
  expect(ring.jwks.keys).toEqual([{ ...pair.publicKey.export({ format: 'jwk' }), kid: pair.kid, use: 'sig', alg }]);
});

test('HS256: kid is the thumbprint of the oct key, which is never published', async () => {
  const ring = await loadKeyRing({ jwtAlgorithm: 'HS256', jwtPrivateKeyFile: undefined, jwtPreviousKeysFile: undefined }, SECRET);
  expect(ring.signing.kid).toBe(await thumbprint(createSecretKey(SECRET)));
  expect(ring.jwks).toEqual({ keys: [] });
});

test('no kid → the current key only; a previous kid → that key with its own alg; an unknown or non-string kid → none', async () => {
  const current = await keyPair(dir, 'EdDSA');
  const old = await keyPair(dir, 'RS256');
  const oldSecret = { kty: 'oct', k: Buffer.from('an-old-secret-an-old-secret-an-old-secret').toString('base64url'), alg: 'HS256' };
  const file = previousKeysFile(dir, [{ ...old.publicKey.export({ format: 'jwk' }), alg: 'RS256' }, oldSecret]);
  const ring = await loadKeyRing({ jwtAlgorithm: 'EdDSA', jwtPrivateKeyFile: current.privateKeyFile, jwtPreviousKeysFile: file }, undefined);
  expect(ring.verificationKeyFor(undefined)?.kid).toBe(current.kid);
  expect(ring.verificationKeyFor(old.kid)).toMatchObject({ alg: 'RS256' });
  expect(ring.verificationKeyFor(await thumbprint(createSecretKey(Buffer.from('an-old-secret-an-old-secret-an-old-secret'))))).toMatchObject({ alg: 'HS256' });
  expect(ring.verificationKeyFor('no-such-kid')).toBeUndefined();
  expect(ring.verificationKeyFor(42)).toBeUndefined();
  // Public keys are published, current first; the old secret is not.
  expect(ring.jwks.keys.map((k) => k.kid)).toEqual([current.kid, old.kid]);
});

test('an asymmetric algorithm whose key file is missing, unreadable or the wrong kind fails with a line naming the variable', async () => {
  const rsa = await keyPair(dir, 'RS256');
  const weak = await keyPair(dir, 'RS256', 1024);
  const publicOnly = path.join(dir, 'public.pem');
  writeFileSync(publicOnly, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  expect(await problemsOf('RS256', path.join(dir, 'missing.pem'))).toEqual([expect.stringMatching(/^JWT_PRIVATE_KEY_FILE \(.*missing\.pem\) could not be read/)]);
  expect(await problemsOf('RS256', publicOnly)).toEqual([expect.stringMatching(/^JWT_PRIVATE_KEY_FILE .* could not be read as an unencrypted PEM private key/)]);
  expect(await problemsOf('ES256', rsa.privateKeyFile)).toEqual([expect.stringMatching(/does not fit JWT_ALGORITHM=ES256: ES256 needs an EC P-256 key, not a key of type rsa$/)]);
  expect(await problemsOf('EdDSA', rsa.privateKeyFile)).toEqual([expect.stringMatching(/EdDSA needs an Ed25519 key/)]);
  expect(await problemsOf('RS256', weak.privateKeyFile)).toEqual([expect.stringMatching(/an RS256 key must have at least 2048 bits$/)]);
  const p384 = path.join(dir, 'p384.pem');
  writeFileSync(p384, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  expect(await problemsOf('ES256', p384)).toEqual([expect.stringMatching(/ES256 needs the P-256 curve, not secp384r1$/)]);
});

test('every unusable entry of the previous keys file is listed, by position', async () => {
  const rsa = await keyPair(dir, 'RS256');
  const ec = await keyPair(dir, 'ES256');
  const file = previousKeysFile(dir, [
    { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'ES256' },
    { ...rsa.publicKey.export({ format: 'jwk' }) },
    { ...ec.privateKey.export({ format: 'jwk' }), alg: 'ES256' },
    { kty: 'oct', k: Buffer.from('short').toString('base64url'), alg: 'HS256' },
    { ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256', kid: 'made-up' },
    { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'none' },
  ]);
  const problems = await problemsOf('HS256', undefined, file);
  expect(problems.map((p) => p.replace(/^JWT_PREVIOUS_KEYS_FILE \(.*?\) /, ''))).toEqual([
    'key #1: ES256 needs an EC P-256 key, not a key of type rsa',
    'key #2: "alg" must be one of HS256, RS256, ES256, EdDSA',
    'key #3: list only the public key (remove the private members such as "d")',
    'key #4: an HS256 secret must be at least 32 bytes',
    `key #5: "kid" must be the key's RFC 7638 thumbprint ${ec.kid} (or be left out)`,
    'key #6: "alg" must be one of HS256, RS256, ES256, EdDSA',
  ]);
});

test('a previous keys file that is not a JWK Set is refused', async () => {
  const notJson = path.join(dir, 'not.json');
  writeFileSync(notJson, 'keys: []');
  expect(await problemsOf('HS256', undefined, notJson)).toEqual([expect.stringMatching(/^JWT_PREVIOUS_KEYS_FILE \(.*\) could not be read as JSON/)]);
  expect(await problemsOf('HS256', undefined, path.join(dir, 'absent.json'))).toEqual([expect.stringMatching(/could not be read as JSON: ENOENT/)]);
  const wrongShape = path.join(dir, 'array.json');
  writeFileSync(wrongShape, '[]');
  expect(await problemsOf('HS256', undefined, wrongShape)).toEqual([expect.stringMatching(/must be a JWK Set: \{"keys": \[...\]\}$/)]);
});
