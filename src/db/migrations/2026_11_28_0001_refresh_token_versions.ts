import { sql, type Kysely } from 'kysely';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  // The user's token_version when the family began: a family older than the user's current
  // version (password change, deactivation, logout everywhere, role change since) never refreshes.
  await db.schema.alterTable('refresh_tokens').addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Families alive today were started under their user's current version (older ones were revoked with the bump).
  await sql`UPDATE refresh_tokens SET token_version = (SELECT token_version FROM users WHERE users.id = refresh_tokens.user_id)`.execute(db);

  // The sweep that clears sealed successors once their grace window is over looks only at rows that still hold one.
  await db.schema.createIndex('refresh_tokens_sealed_rotated_at').on('refresh_tokens').column('rotated_at').where(sql.ref('successor_sealed'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('refresh_tokens_sealed_rotated_at').execute();
  await db.schema.alterTable('refresh_tokens').dropColumn('token_version').execute();
}
