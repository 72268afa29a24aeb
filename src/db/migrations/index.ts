/*
 * Portable migrations and queries: SQLite and PostgreSQL run the same ones, and the test suite runs
 * once per dialect. Rules (README "PostgreSQL" has the why):
 * - Column types: 'integer' (32-bit on PostgreSQL: use 'bigint' past 2^31), 'text'; booleans as 0/1
 *   integers; timestamps as toISOString() text (fixed width, so text order is time order).
 *   Ids: autoIncrementId(dialect). Ship a new migration, never edit one that shipped.
 * - Case-insensitive: store a JS-lower-cased `*_normalized` copy with a unique index and query it;
 *   never COLLATE NOCASE, ILIKE or LIKE's case rules (they differ). Prefixes: startsWith() in src/db/sql.ts.
 * - Order and paginate by integer columns (id), never by text (PostgreSQL sorts by locale).
 * - Races: SQLite serializes writers, PostgreSQL does not. Guard with unique indexes
 *   (isUniqueViolation) or conditional UPDATEs (check numUpdatedRows); no read-then-write, no forUpdate().
 */
import type { Migration } from 'kysely';
import * as usersAndTodos from './2026_11_23_0001_users_and_todos';
import * as refreshTokens from './2026_11_24_0001_refresh_tokens';
import * as throttleEvents from './2026_11_25_0001_throttle_events';
import * as refreshTokenVersions from './2026_11_28_0001_refresh_token_versions';
import * as accountMail from './2026_11_29_0001_account_mail';
import * as sessionsAndMfa from './2026_11_29_0001_sessions_and_mfa';
import * as passkeys from './2026_12_07_0001_passkeys';
import * as oauthClients from './2026_12_07_0002_oauth_clients';
import * as clientSecretRotation from './2026_12_07_0003_client_secret_rotation';
import { forDialect, type PortableMigration, type SqlDialect } from './portable';

/**
 * Listed in code rather than read from a folder, so the same list works from src/ (tests) and dist/ (production).
 * Kysely runs them in the order of their names sorted as strings, whatever the order here, so the
 * list reads in that order (tests/db/migrations.test.ts). The two 2026_11_29_0001 files shipped
 * with one prefix: account_mail sorts, and so runs, first. A new name sorts after every shipped one.
 */
const migrations: Record<string, PortableMigration> = {
  '2026_11_23_0001_users_and_todos': usersAndTodos,
  '2026_11_24_0001_refresh_tokens': refreshTokens,
  '2026_11_25_0001_throttle_events': throttleEvents,
  '2026_11_28_0001_refresh_token_versions': refreshTokenVersions,
  '2026_11_29_0001_account_mail': accountMail,
  '2026_11_29_0001_sessions_and_mfa': sessionsAndMfa,
  '2026_12_07_0001_passkeys': passkeys,
  '2026_12_07_0002_oauth_clients': oauthClients,
  '2026_12_07_0003_client_secret_rotation': clientSecretRotation,
};

export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  return forDialect(migrations, dialect);
}
