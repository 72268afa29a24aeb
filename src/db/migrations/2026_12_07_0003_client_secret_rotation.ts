import type { Kysely } from 'kysely';

// Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  // After a rotation with a grace period (POST /oauth/clients/{client_id}/secret), the secret it
  // replaced keeps working until previous_secret_expires_at; both null otherwise.
  await db.schema.alterTable('oauth_clients').addColumn('previous_secret_hash', 'text').execute();
  await db.schema.alterTable('oauth_clients').addColumn('previous_secret_expires_at', 'text').execute();
  // Client tokens carry it (`gen`); a rotation without grace (a leak) bumps it, ending the tokens the old secret minted.
  await db.schema
    .alterTable('oauth_clients')
    .addColumn('token_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oauth_clients').dropColumn('token_generation').execute();
  await db.schema.alterTable('oauth_clients').dropColumn('previous_secret_expires_at').execute();
  await db.schema.alterTable('oauth_clients').dropColumn('previous_secret_hash').execute();
}
