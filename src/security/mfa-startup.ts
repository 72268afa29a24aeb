import { ConfigError, type Config } from '../config';
import type { DatabaseHandle } from '../db/database';
import type { Logger } from '../logger';
import { resolveMfaKeys, type MfaKeys } from './mfa-keys';

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
