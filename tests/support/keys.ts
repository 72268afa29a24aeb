import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

export type AsymmetricAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export interface TestKeyPair {
  readonly alg: AsymmetricAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PEM of the private key, written for JWT_PRIVATE_KEY_FILE. */
  readonly privateKeyFile: string;
  /** RFC 7638 thumbprint, computed here independently of the app's code. */
  readonly kid: string;
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tollgate-keys-'));
}

/** A fresh key pair for `alg`, generated at test time; nothing secret is checked in. */
export async function keyPair(dir: string, alg: AsymmetricAlgorithm, rsaBits = 2048): Promise<TestKeyPair> {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: rsaBits })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const privateKeyFile = path.join(dir, `${alg}-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { alg, privateKey, publicKey, privateKeyFile, kid: await thumbprint(publicKey) };
}

export async function thumbprint(key: KeyObject): Promise<string> {
  return calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK);
}

/** Writes a JWK Set for JWT_PREVIOUS_KEYS_FILE and returns its path. */
export function previousKeysFile(dir: string, keys: readonly object[]): string {
  const file = path.join(dir, `previous-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS with any header, HMAC-SHA256 over the raw secret bytes: no library refuses to forge it. */
export function hs256(header: object, payload: object, secret: Buffer | string): string {
  const input = `${b64({ alg: 'HS256', ...header })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** alg "none": no signature at all. */
export function unsigned(header: object, payload: object): string {
  return `${b64({ alg: 'none', ...header })}.${b64(payload)}.`;
}
