import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, MIN_SECRET_BYTES } from '../../config';
import type { Logger } from '../../logger';

const SECRET_FILE_NAME = 'jwt-secret';
const HEX = /^(?:[0-9a-f]{2})+$/i;

/**
 * Outside production a missing JWT_SECRET is replaced by a random one, kept beside the SQLite
 * file (mode 0600, in the database's 0700 folder) so tokens survive a restart. Production refuses
 * to start without one (config.ts), and config.ts refuses a JWT_SECRET shorter than 32 bytes.
 */
export function resolveJwtSecret(configured: string | undefined, databaseFile: string | undefined, logger: Logger): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  if (databaseFile === undefined) {
    logger.warn('JWT_SECRET is not set: using a random secret for this process only');
    return randomBytes(MIN_SECRET_BYTES);
  }
  const file = path.join(path.dirname(databaseFile), SECRET_FILE_NAME);
  logger.warn({ file }, 'JWT_SECRET is not set: using a generated secret kept beside the database (set JWT_SECRET in production)');
  const stored = readSecretFile(file);
  if (stored !== undefined) return stored;
  const secret = randomBytes(MIN_SECRET_BYTES);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
  return secret;
}

/** A short or garbled file is refused, not used: a 2-byte key is cracked from one token in a moment. */
function readSecretFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = Buffer.from(text, 'hex');
  if (HEX.test(text) && secret.length >= MIN_SECRET_BYTES) return secret;
  throw new ConfigError([
    `${file} must hold at least ${MIN_SECRET_BYTES} random bytes in hex (it holds ${HEX.test(text) ? `${secret.length} bytes` : 'something else'}); delete it to have a new one generated, or set JWT_SECRET`,
  ]);
}
