import type { Kysely } from 'kysely';
import { autoIncrementId, type SqlDialect } from './portable';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  // Existing users start unverified: nobody ever proved they read mail at these addresses.
  await db.schema.alterTable('users').addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The address an email change waits to confirm; the unique index stays on `email_normalized` only.
  await db.schema.alterTable('users').addColumn('pending_email', 'text').execute();

  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    // SHA-256 of the token: a copy of this table resets no password and verifies no address.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // 'password_reset' or 'email_verification'.
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The address a verification token proves (the pending one for an email change); null for resets.
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('account_tokens_user_id_purpose').on('account_tokens').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // Emptied once the mail is sent or failed: a link must not outlive its delivery in a backup.
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    // 'pending', 'sent' or 'failed'.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A claim: the instance sending it, until when; an expired lease is anyone's to take.
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('mail_outbox_status_next_attempt_at').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
  await db.schema.dropTable('account_tokens').execute();
  await db.schema.alterTable('users').dropColumn('pending_email').execute();
  await db.schema.alterTable('users').dropColumn('email_verified').execute();
}
