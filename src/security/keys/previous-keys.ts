import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT_ALGORITHMS, type JwtAlgorithm } from '../../config';
import { keyAlgorithmMismatch, keyIdOf } from './key-checks';

/** A key that verifies tokens with exactly one algorithm. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  /** A public key, or the secret for HS256. */
  readonly key: KeyObject;
}

/** A retired HS256 secret keeps verifying while it is listed, so it must be as strong as a current one. */
const MIN_HMAC_SECRET_BYTES = 32;
// RFC 7518 §6.2.2 and §6.3.2: members that only a private key has. Retired keys are listed public.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/**
 * Reads JWT_PREVIOUS_KEYS_FILE, a JWK Set ({"keys": [...]}) of public keys and/or `oct` secrets,
 * each with its `alg`. Every problem is returned, naming the entry, so startup can list them all.
 */
export async function readPreviousKeys(file: string): Promise<{ keys: VerificationKey[]; problems: string[] }> {
  const where = `JWT_PREVIOUS_KEYS_FILE (${file})`;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { keys: [], problems: [`${where} could not be read as JSON: ${(error as Error).message}`] };
  }
  const entries = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries)) return { keys: [], problems: [`${where} must be a JWK Set: {"keys": [...]}`] };

  const keys: VerificationKey[] = [];
  const problems: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const result = await toVerificationKey(entry);
    if (typeof result === 'string') problems.push(`${where} key #${index + 1}: ${result}`);
    else keys.push(result);
  }
  return { keys, problems };
}

async function toVerificationKey(entry: unknown): Promise<VerificationKey | string> {
  if (typeof entry !== 'object' || entry === null) return 'must be a JWK object';
  const jwk = entry as Record<string, unknown>;
  const alg = jwk.alg;
  if (!(JWT_ALGORITHMS as readonly unknown[]).includes(alg)) return `"alg" must be one of ${JWT_ALGORITHMS.join(', ')}`;
  const key = importKey(jwk);
  if (typeof key === 'string') return key;
  const mismatch = keyAlgorithmMismatch(alg as JwtAlgorithm, key);
  if (mismatch) return mismatch;
  const kid = await keyIdOf(key);
  if (jwk.kid !== undefined && jwk.kid !== kid) return `"kid" must be the key's RFC 7638 thumbprint ${kid} (or be left out)`;
  return { kid, alg: alg as JwtAlgorithm, key };
}

function importKey(jwk: Record<string, unknown>): KeyObject | string {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') return 'an oct key needs "k", the secret in base64url';
    const secret = Buffer.from(jwk.k, 'base64url');
    return secret.length < MIN_HMAC_SECRET_BYTES ? `an HS256 secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes` : createSecretKey(secret);
  }
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'list only the public key (remove the private members such as "d")';
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    return `not a usable public key: ${(error as Error).message}`;
  }
}
