import type { Config } from '../config';
import type { Logger } from '../logger';
import { loadIdTokenKey, type IdTokenKey } from './id-token-keys';
import { resolveJwtSecret } from './jwt-secret';
import { loadKeyRing, type KeyRing } from './key-ring';

/**
 * Key files are read here rather than in src/config/ (loadConfig reads only the environment), but a
 * bad one still fails startup with a ConfigError. The cluster primary calls this too, before forking.
 */
export async function loadSigningKeys(config: Config, databaseFile: string | undefined, logger: Logger): Promise<KeyRing> {
  const secret = config.jwtAlgorithm === 'HS256' ? resolveJwtSecret(config.jwtSecret, databaseFile, logger) : undefined;
  return loadKeyRing(config, secret);
}

/** The access-token keys and the ID-token key (src/security/id-token-keys.ts), both read at startup. */
export async function loadAllKeys(config: Config, databaseFile: string | undefined, logger: Logger): Promise<{ keys: KeyRing; idTokenKey: IdTokenKey | undefined }> {
  const keys = await loadSigningKeys(config, databaseFile, logger);
  return { keys, idTokenKey: await loadIdTokenKey(config, keys, databaseFile, logger) };
}
