import type { Kysely } from 'kysely';
import { autoIncrementId, type SqlDialect } from './portable';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  // The WebAuthn user handle (user.id in the ceremony): random, so an authenticator never learns the database id or the username.
  await db.schema
    .createTable('passkey_user_handles')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('handle', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('passkey_user_handles_user_id')
    .on('passkey_user_handles')
    .column('user_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('passkey_user_handles_handle')
    .on('passkey_user_handles')
    .column('handle')
    .unique()
    .execute();

  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // base64url; unique across every user: one authenticator credential names one account.
    .addColumn('credential_id', 'text', (c) => c.notNull())
    // The COSE public key, base64url.
    .addColumn('public_key', 'text', (c) => c.notNull())
    // The authenticator's signature counter (unsigned 32-bit, so bigint).
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('passkeys_credential_id').on('passkeys').column('credential_id').unique().execute();
  await db.schema.createIndex('passkeys_user_id').on('passkeys').column('user_id').execute();

  // A ceremony's challenge, kept server-side so any instance can finish what another began; single use.
  await db.schema
    .createTable('passkey_challenges')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('challenge_id', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // Registration only: the user (and the token_version of the proof) the challenge was issued to.
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('token_version', 'integer')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('passkey_challenges_challenge_id')
    .on('passkey_challenges')
    .column('challenge_id')
    .unique()
    .execute();
  await db.schema.createIndex('passkey_challenges_expires_at').on('passkey_challenges').column('expires_at').execute();
}
