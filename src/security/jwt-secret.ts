import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

const SECRET_FILE_NAME = 'jwt-secret';

/**
 * Outside production a missing JWT_SECRET is replaced by a random one, kept beside the SQLite
 * file (mode 0600) so tokens survive a restart. Production refuses to start without one (config.ts).
 */
export function resolveJwtSecret(configured: string | undefined, databaseFile: string | undefined, logger: Logger): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  if (databaseFile === undefined) {
    logger.warn('JWT_SECRET is not set: using a random secret for this process only');
    return randomBytes(32);
  }
  const file = path.join(path.dirname(databaseFile), SECRET_FILE_NAME);
  logger.warn({ file }, 'JWT_SECRET is not set: using a generated secret kept beside the database (set JWT_SECRET in production)');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
  return secret;
}
