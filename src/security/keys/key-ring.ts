import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { components } from '../../../generated/api';
import { ConfigError, type Config, type JwtAlgorithm } from '../../config';
import { keyAlgorithmMismatch, keyIdOf } from './key-checks';
import { readPreviousKeys, type VerificationKey } from './previous-keys';
import type { Logger } from '../../logger';
import { resolveJwtSecret } from './jwt-secret';

type Jwk = components['schemas']['Jwk'];
type JwkSet = components['schemas']['JwkSet'];

export interface SigningKey {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  /** The private key, or the secret for HS256. */
  readonly key: KeyObject;
}

/** Every key made once at startup: parsing a key per request would cost more than the signature check. */
export interface KeyRing {
  readonly signing: SigningKey;
  /** No `kid` means the current key only; an unknown `kid` means no key at all. */
  verificationKeyFor(kid: unknown): VerificationKey | undefined;
  /** RFC 7517: the public keys (current first); never a secret, so empty with HS256 only. */
  readonly jwks: JwkSet;
}

type KeySettings = Pick<Config, 'jwtAlgorithm' | 'jwtPrivateKeyFile' | 'jwtPreviousKeysFile'>;

/** `hmacSecret` is used with HS256 only. Any unusable key fails startup with every problem listed. */
export async function loadKeyRing(settings: KeySettings, hmacSecret: Buffer | undefined): Promise<KeyRing> {
  const problems: string[] = [];
  const current = currentKey(settings, hmacSecret, problems);
  const previous = settings.jwtPreviousKeysFile ? await readPreviousKeys(settings.jwtPreviousKeysFile) : { keys: [], problems: [] };
  problems.push(...previous.problems);
  if (!current || problems.length > 0) throw new ConfigError(problems);

  const verifier: VerificationKey = { kid: await keyIdOf(current.verify), alg: settings.jwtAlgorithm, key: current.verify };
  const byKid = new Map<string, VerificationKey>([[verifier.kid, verifier]]);
  for (const key of previous.keys) if (!byKid.has(key.kid)) byKid.set(key.kid, key);

  return {
    signing: { kid: verifier.kid, alg: verifier.alg, key: current.sign },
    verificationKeyFor: (kid) => (kid === undefined ? verifier : typeof kid === 'string' ? byKid.get(kid) : undefined),
    jwks: Object.freeze({ keys: [...byKid.values()].filter((k) => k.key.type === 'public').map(publicJwk) }),
  };
}

function currentKey(settings: KeySettings, hmacSecret: Buffer | undefined, problems: string[]): { sign: KeyObject; verify: KeyObject } | undefined {
  const alg = settings.jwtAlgorithm;
  if (alg === 'HS256') {
    if (!hmacSecret) throw new Error('HS256 needs the resolved JWT secret');
    const secret = createSecretKey(hmacSecret);
    return { sign: secret, verify: secret };
  }
  const file = settings.jwtPrivateKeyFile ?? '';
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (error) {
    problems.push(`JWT_PRIVATE_KEY_FILE (${file}) could not be read as an unencrypted PEM private key: ${(error as Error).message}`);
    return undefined;
  }
  const mismatch = keyAlgorithmMismatch(alg, privateKey);
  if (mismatch) {
    problems.push(`JWT_PRIVATE_KEY_FILE (${file}) does not fit JWT_ALGORITHM=${alg}: ${mismatch}`);
    return undefined;
  }
  return { sign: privateKey, verify: createPublicKey(privateKey) };
}

function publicJwk(key: VerificationKey): Jwk {
  return Object.freeze({ ...(key.key.export({ format: 'jwk' }) as Omit<Jwk, 'kid' | 'use' | 'alg'>), kid: key.kid, use: 'sig', alg: key.alg as Jwk['alg'] });
}

/**
 * Key files are read here rather than in src/config/ (loadConfig reads only the environment), but a
 * bad one still fails startup with a ConfigError. The cluster primary calls this too, before forking.
 */
export async function loadSigningKeys(config: Config, databaseFile: string | undefined, logger: Logger): Promise<KeyRing> {
  const secret = config.jwtAlgorithm === 'HS256' ? resolveJwtSecret(config.jwtSecret, databaseFile, logger) : undefined;
  return loadKeyRing(config, secret);
}
