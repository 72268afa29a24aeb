import { availableParallelism } from 'node:os';
import { readCapacityConfig, type CapacityConfig } from './capacity';
import { isPostgresUrl, readDatabaseConfig, type DatabaseConfig } from './database';
import { ConfigError, deepFreeze, envReader, type Env } from './env-reader';
import { readMailConfig, type MailSettings } from './mail';
import { readMfaConfig, type MfaSettings } from './mfa';
import { readOidcConfig, type OidcSettings } from './oidc';
import { readOperationsConfig, type OperationsConfig } from './operations';
import { readPasswordHashConfig, type PasswordHashConfig } from './password-hashes';
import {
  pagesBaseUrl,
  readHttpServerConfig,
  readPublicAddressConfig,
  type HttpServerConfig,
  type PublicAddressConfig,
} from './server';
import { readThrottlingConfig, type ThrottlingConfig } from './throttling';
import { readSigningConfig, readTokenConfig, type SigningConfig, type TokenConfig } from './tokens';
import { readWebAuthnConfig, type WebAuthnSettings } from './webauthn';

export { ConfigError, type Env } from './env-reader';
export { isPostgresUrl } from './database';
export type { MailConfig } from './mail';
export type { MfaConfig } from './mfa';
export type { OidcConfig } from './oidc';
export type { WebAuthnConfig } from './webauthn';
export type { ResponseValidationMode } from './operations';
export type { PasswordHashBounds } from './password-hashes';
export { JWT_ALGORITHMS, MIN_SECRET_BYTES, type JwtAlgorithm } from './tokens';

/** One object, read by area (each area's file names its variables, defaults and checks): most areas flat, mfa, mail and webauthn under one key each. */
export type Config = DatabaseConfig &
  SigningConfig &
  PublicAddressConfig &
  HttpServerConfig &
  TokenConfig &
  CapacityConfig &
  ThrottlingConfig &
  OperationsConfig &
  MfaSettings &
  MailSettings &
  OidcSettings &
  PasswordHashConfig &
  WebAuthnSettings;

/**
 * Reads the environment once into a deeply frozen, typed object; every problem is reported, one line each.
 * `cpuCount` sizes `WORKERS=auto` and the default hashing pool; a parameter so tests can fix it.
 */
export function loadConfig(env: Env, cpuCount: number = availableParallelism()): Config {
  const read = envReader(env);
  const production = env.NODE_ENV === 'production';
  // Areas in the order their problems are listed (the database first, then keys, then the address).
  const database = readDatabaseConfig(read);
  const signing = readSigningConfig(read, production);
  const address = readPublicAddressConfig(read, production);
  const server = readHttpServerConfig(read);
  const areas: Omit<Config, keyof PasswordHashConfig> = {
    ...database,
    ...signing,
    ...address,
    ...server,
    ...readTokenConfig(read, address.publicUrl),
    ...readCapacityConfig(read, cpuCount),
    ...readThrottlingConfig(read),
    ...readOperationsConfig(read, production),
    ...readMfaConfig(read),
    ...readMailConfig(read, production, pagesBaseUrl(address, server)),
    ...readOidcConfig(read, address.publicUrl),
    ...readWebAuthnConfig(read, production, address.publicUrl, server.port),
  };
  // After the areas: the bound on stored hashes depends on BCRYPT_COST.
  const config: Config = { ...areas, ...readPasswordHashConfig(read, areas.bcryptCost) };
  read.problems.push(...crossAreaProblems(config));
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return deepFreeze(config);
}

/** Settings that are each valid alone but not together. */
function crossAreaProblems(config: Config): string[] {
  const problems: string[] = [];
  // A generated secret lives beside the SQLite file; instances sharing PostgreSQL must share one they are given.
  if (config.jwtAlgorithm === 'HS256' && isPostgresUrl(config.databaseUrl) && config.jwtSecret === undefined) {
    problems.push(
      'JWT_SECRET must be set when DATABASE_URL is PostgreSQL: every instance must sign and verify with the same secret',
    );
  }
  if (config.workers > 1 && config.databaseUrl === 'sqlite::memory:') {
    problems.push('WORKERS above 1 needs a database the workers share, not sqlite::memory:');
  }
  if (config.refreshCookie && config.allowedOrigins.length === 0) {
    problems.push('ALLOWED_ORIGINS must list the origins of your web app when REFRESH_COOKIE=true');
  }
  return problems;
}
