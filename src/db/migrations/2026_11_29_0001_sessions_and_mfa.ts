import { sql, type Kysely } from 'kysely';
import { autoIncrementId, type SqlDialect } from './portable';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  // One row per login (a refresh-token family: id = family_id). Access tokens name it in `sid`;
  // the security handler joins it with the user row, so ending it ends its access tokens at once.
  await db.schema
    .createTable('sessions')
    // Not a PRIMARY KEY: SQLite would leave a text key nullable; a unique index means the same on both.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    // RFC 8176 values, space-separated: refreshes keep the login's.
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_id').on('sessions').column('id').unique().execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  // Families alive today become sessions (what they were not told is left empty).
  await sql`INSERT INTO sessions (id, user_id, created_at, last_used_at, user_agent, ip, amr)
    SELECT family_id, MIN(user_id), MIN(created_at), MAX(created_at), NULL, '', 'pwd' FROM refresh_tokens WHERE revoked_at IS NULL GROUP BY family_id`.execute(db);

  await db.schema.alterTable('users').addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('mfa_totp')
    // Not an INTEGER PRIMARY KEY, which SQLite would turn into a rowid alias: a unique index instead.
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // AES-256-GCM of the base32 secret; key_id names the key that sealed it (rotation).
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    // The last time step accepted: a code is never accepted twice (RFC 6238 §5.2).
    .addColumn('last_step', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_totp_user_id').on('mfa_totp').column('user_id').unique().execute();
  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('mfa_recovery_codes_user_hash').on('mfa_recovery_codes').columns(['user_id', 'code_hash']).execute();
  await db.schema
    .createTable('mfa_challenges')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    // SHA-256 of the mfa_token the password grant answered.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('token_version', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('mfa_challenges_expires_at').on('mfa_challenges').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['mfa_challenges', 'mfa_recovery_codes', 'mfa_totp', 'sessions']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('users').dropColumn('mfa_enabled').execute();
}
