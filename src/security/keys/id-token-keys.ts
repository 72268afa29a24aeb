import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { components } from '../../../generated/api';
import { ConfigError, type Config } from '../../config';
import type { Logger } from '../../logger';
import { keyAlgorithmMismatch, keyIdOf } from './key-checks';
import { loadSigningKeys, type KeyRing, type SigningKey } from './key-ring';

type Jwk = components['schemas']['Jwk'];

/** The key that signs ID tokens, with its public JWK for the JWKS; undefined when the server has none (openid is then refused). */
export interface IdTokenKey {
  readonly signing: SigningKey;
  readonly jwk: Jwk;
}

const KEY_FILE_NAME = 'id-token-key.pem';

/**
 * ID tokens need an asymmetric key every relying party can verify from the JWKS (an HS256 secret
 * cannot be published). In order: ID_TOKEN_PRIVATE_KEY_FILE (RSA → RS256); the access-token key when
 * JWT_ALGORITHM is asymmetric; outside production a generated RSA key kept beside the SQLite file
 * (as the HMAC secret is); in production with HS256 and no file, none (a warning, and scope openid
 * answers invalid_scope).
 */
export async function loadIdTokenKey(
  config: Config,
  keys: KeyRing,
  databaseFile: string | undefined,
  logger: Logger,
): Promise<IdTokenKey | undefined> {
  const file = config.oidc.idTokenPrivateKeyFile;
  if (file !== undefined) return withJwk(readRsaKey(file));
  if (keys.signing.alg !== 'HS256') return withJwk({ alg: keys.signing.alg, key: keys.signing.key });
  if (config.production) {
    logger.warn(
      'no key signs ID tokens (JWT_ALGORITHM=HS256 and ID_TOKEN_PRIVATE_KEY_FILE unset): scope openid is refused with invalid_scope',
    );
    return undefined;
  }
  return withJwk({ alg: 'RS256', key: developmentKey(databaseFile, logger) });
}

function readRsaKey(file: string): { alg: 'RS256'; key: KeyObject } {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (error) {
    throw new ConfigError([
      `ID_TOKEN_PRIVATE_KEY_FILE (${file}) could not be read as an unencrypted PEM private key: ${(error as Error).message}`,
    ]);
  }
  const mismatch = keyAlgorithmMismatch('RS256', key);
  if (mismatch)
    throw new ConfigError([
      `ID_TOKEN_PRIVATE_KEY_FILE (${file}) must be an RSA key of at least 2048 bits: ${mismatch}`,
    ]);
  return { alg: 'RS256', key };
}

function developmentKey(databaseFile: string | undefined, logger: Logger): KeyObject {
  if (databaseFile === undefined) return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const file = path.join(path.dirname(databaseFile), KEY_FILE_NAME);
  try {
    return createPrivateKey(readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError([
        `${file} is not a PEM private key; delete it to have a new one generated, or set ID_TOKEN_PRIVATE_KEY_FILE`,
      ]);
  }
  logger.warn(
    { file },
    'ID_TOKEN_PRIVATE_KEY_FILE is not set: ID tokens are signed with a generated RSA key kept beside the database',
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  try {
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    return privateKey;
  } catch (error) {
    // Another worker wrote it first: use theirs, so every worker signs with the key the JWKS shows.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return createPrivateKey(readFileSync(file));
    throw error;
  }
}

async function withJwk(signer: { alg: SigningKey['alg']; key: KeyObject }): Promise<IdTokenKey> {
  const publicKey = createPublicKey(signer.key);
  const kid = await keyIdOf(publicKey);
  const jwk = Object.freeze({
    ...(publicKey.export({ format: 'jwk' }) as Omit<Jwk, 'kid' | 'use' | 'alg'>),
    kid,
    use: 'sig',
    alg: signer.alg as Jwk['alg'],
  });
  return { signing: { kid, alg: signer.alg, key: signer.key }, jwk };
}

/** The access-token keys and the ID-token key, both read at startup (the cluster primary calls this too, before forking). */
export async function loadAllKeys(
  config: Config,
  databaseFile: string | undefined,
  logger: Logger,
): Promise<{ keys: KeyRing; idTokenKey: IdTokenKey | undefined }> {
  const keys = await loadSigningKeys(config, databaseFile, logger);
  return { keys, idTokenKey: await loadIdTokenKey(config, keys, databaseFile, logger) };
}
