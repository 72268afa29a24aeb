import type { Kysely } from 'kysely';
import { autoIncrementId, type SqlDialect } from './portable';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('oauth_clients')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // SHA-256 of a 256-bit random secret (high entropy: no slow hash needed); null for public clients.
    .addColumn('secret_hash', 'text')
    // A JSON array of exact URIs.
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // A pending /oauth/authorize request: 10 minutes, used once. Keyed by the hash of its id (the id is a capability in a URL).
  await db.schema
    .createTable('oauth_authorization_requests')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('id_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.client_id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('prompt', 'text')
    // A sign-in older than this does not do (prompt=login, max_age); null when any will.
    .addColumn('login_after', 'text')
    .addColumn('login_hint', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await createCodesAndConsents(db, dialect);
  // Tokens issued to a registered client name it; null for the first-party password grant.
  await db.schema.alterTable('sessions').addColumn('client_id', 'text').execute();
  // SHA-256 of the hosted pages' sign-in cookie (single sign-on), when this session is one.
  await db.schema.alterTable('sessions').addColumn('sso_hash', 'text').execute();
  await db.schema.createIndex('sessions_sso_hash').on('sessions').column('sso_hash').unique().execute();
  await db.schema.createIndex('sessions_client_id').on('sessions').column('client_id').execute();
  await db.schema.alterTable('refresh_tokens').addColumn('client_id', 'text').execute();
}

async function createCodesAndConsents(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  // An authorization code (≤ 60 s, used once), stored as its SHA-256, with everything it is bound to.
  await db.schema
    .createTable('oauth_codes')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.client_id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    // The sign-in (hosted pages' session) the code comes from: auth_time, amr and the ID token's sid.
    .addColumn('login_session_id', 'text', (c) => c.notNull())
    .addColumn('auth_time', 'text', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // The session the first exchange started: a second use ends it (RFC 6749 §4.1.2).
    .addColumn('issued_session_id', 'text')
    .execute();

  await db.schema
    .createTable('oauth_consents')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.client_id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oauth_consents_user_client')
    .on('oauth_consents')
    .columns(['user_id', 'client_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').dropColumn('client_id').execute();
  await db.schema.dropIndex('sessions_client_id').execute();
  await db.schema.dropIndex('sessions_sso_hash').execute();
  await db.schema.alterTable('sessions').dropColumn('sso_hash').execute();
  await db.schema.alterTable('sessions').dropColumn('client_id').execute();
  for (const table of ['oauth_consents', 'oauth_codes', 'oauth_authorization_requests', 'oauth_clients'])
    await db.schema.dropTable(table).execute();
}
