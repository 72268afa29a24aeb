import type { Insertable, Kysely, Updateable } from 'kysely';
import type { OAuthClientRow, OAuthClientTable } from '../db/oauth-schema';
import type { Database } from '../db/schema';

type Db = Kysely<Database>;

export async function insertOauthClient(db: Db, client: Insertable<OAuthClientTable>): Promise<OAuthClientRow> {
  return db.insertInto('oauth_clients').values(client).returningAll().executeTakeFirstOrThrow();
}

export async function findOauthClient(db: Db, clientId: string): Promise<OAuthClientRow | undefined> {
  return db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function selectOauthClients(db: Db, page: { afterId: number; limit: number }): Promise<OAuthClientRow[]> {
  return db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
    .execute();
}

export async function updateOauthClient(
  db: Db,
  clientId: string,
  changes: Updateable<OAuthClientTable>,
): Promise<OAuthClientRow | undefined> {
  return db
    .updateTable('oauth_clients')
    .set(changes)
    .where('client_id', '=', clientId)
    .returningAll()
    .executeTakeFirst();
}

/** Replaces the secret only if it is still `currentHash`: of two concurrent rotations, one wins and the other finds no row. */
export async function replaceOauthClientSecret(
  db: Db,
  clientId: string,
  currentHash: string,
  changes: Pick<
    Updateable<OAuthClientTable>,
    'secret_hash' | 'previous_secret_hash' | 'previous_secret_expires_at' | 'token_generation'
  >,
): Promise<boolean> {
  const result = await db
    .updateTable('oauth_clients')
    .set(changes)
    .where('client_id', '=', clientId)
    .where('secret_hash', '=', currentHash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes the client and, first, what refers to it (no engine-specific cascade relied upon). */
export async function deleteOauthClient(db: Db, clientId: string): Promise<boolean> {
  await db.deleteFrom('oauth_consents').where('client_id', '=', clientId).execute();
  await db.deleteFrom('oauth_codes').where('client_id', '=', clientId).execute();
  await db.deleteFrom('oauth_authorization_requests').where('client_id', '=', clientId).execute();
  const result = await db.deleteFrom('oauth_clients').where('client_id', '=', clientId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
