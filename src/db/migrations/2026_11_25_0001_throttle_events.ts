import type { Kysely } from 'kysely';
import { autoIncrementId, type SqlDialect } from './portable';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  // One row per counted attempt (failed login, registration), shared by every instance of the server.
  await db.schema
    .createTable('throttle_events')
    .addColumn('id', 'integer', autoIncrementId(dialect))
    // A SHA-256 of what is counted (e.g. username and IP): the table holds neither usernames nor addresses.
    .addColumn('key', 'text', (c) => c.notNull())
    // When the event leaves its sliding window; ISO-8601 UTC text like every other timestamp.
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('throttle_events_key_expires_at').on('throttle_events').columns(['key', 'expires_at']).execute();
  await db.schema.createIndex('throttle_events_expires_at').on('throttle_events').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('throttle_events').execute();
}
