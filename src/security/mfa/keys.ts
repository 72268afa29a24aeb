import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../../config';
import type { DatabaseHandle } from '../../db/database';
import type { Logger } from '../../logger';
import { boxKey, type BoxKey } from '../secret-box';

/** The keys that seal TOTP secrets: `current` seals new ones, any of them opens the row naming its id. */
export interface MfaKeys {
  /** Undefined in production without MFA_ENCRYPTION_KEY: enrolment is refused (503). */
  readonly current: BoxKey | undefined;
  byId(id: string): BoxKey | undefined;
}

const KEY_FILE_NAME = 'mfa-key';

/**
 * MFA_ENCRYPTION_KEY, else outside production a generated key kept beside the SQLite file (mode
 * 0600, like the dev JWT secret) or, with no file to keep it in, one for this process only.
 * Production without the key has none: startup refuses if anyone is enrolled (checkedMfaKeys below).
 */
export function resolveMfaKeys(config: Config, databaseFile: string | undefined, logger: Logger): MfaKeys {
  const configured = config.mfa.encryptionKey;
  const current = configured ? boxKey(configured) : (config.production ? undefined : generatedKey(databaseFile, logger));
  const all = [current, ...config.mfa.previousKeys.map(boxKey)].filter((k): k is BoxKey => k !== undefined);
  return { current, byId: (id) => all.find((k) => k.id === id) };
}

function generatedKey(databaseFile: string | undefined, logger: Logger): BoxKey {
  if (databaseFile === undefined) return boxKey(randomBytes(32));
  const file = path.join(path.dirname(databaseFile), KEY_FILE_NAME);
  try {
    return boxKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  logger.warn({ file }, 'MFA_ENCRYPTION_KEY is not set: generated a key kept beside the database (set MFA_ENCRYPTION_KEY in production)');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  return boxKey(key);
}

/**
 * MFA_ENCRYPTION_KEY is required in production once anyone has enrolled, and every key a stored
 * secret names must be configured: checked here at startup (one small query), so a missing key is
 * a refusal to start, not a failed login later. Enrolment checks the first case again (503).
 */
export async function checkedMfaKeys(config: Config, database: DatabaseHandle, logger: Logger): Promise<MfaKeys> {
  const keys = resolveMfaKeys(config, database.file, logger);
  const rows = await database.db.selectFrom('mfa_totp').select('key_id').distinct().execute();
  const missing = rows.map((r) => r.key_id).filter((id) => keys.byId(id) === undefined);
  if (missing.length === 0) return keys;
  await database.close();
  throw new ConfigError([
    keys.current === undefined
      ? 'MFA_ENCRYPTION_KEY must be set when NODE_ENV=production and users have enrolled a second factor'
      : `MFA_ENCRYPTION_KEY or MFA_PREVIOUS_ENCRYPTION_KEYS must include the key(s) ${missing.join(', ')} that sealed stored TOTP secrets`,
  ]);
}
