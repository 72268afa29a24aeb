import type { Insertable, Kysely } from 'kysely';
import type {
  OAuthAuthorizationRequestRow,
  OAuthAuthorizationRequestTable,
  OAuthCodeRow,
  OAuthCodeTable,
  OAuthConsentRow,
} from '../db/oauth-schema';
import type { Database } from '../db/schema';

type Db = Kysely<Database>;

export async function insertAuthorizationRequest(
  db: Db,
  request: Insertable<OAuthAuthorizationRequestTable>,
): Promise<void> {
  await db.insertInto('oauth_authorization_requests').values(request).execute();
}

/** A pending request: not used, not expired. */
export async function findPendingAuthorizationRequest(
  db: Db,
  idHash: string,
  now: string,
): Promise<OAuthAuthorizationRequestRow | undefined> {
  return db
    .selectFrom('oauth_authorization_requests')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Marks the request used; false when another request used it first (the condition decides, not a read). */
export async function markAuthorizationRequestUsed(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_authorization_requests')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteExpiredAuthorizationRequests(db: Db, now: string): Promise<void> {
  await db.deleteFrom('oauth_authorization_requests').where('expires_at', '<', now).execute();
}

export async function insertAuthorizationCode(db: Db, code: Insertable<OAuthCodeTable>): Promise<void> {
  await db.insertInto('oauth_codes').values(code).execute();
}

export async function findAuthorizationCode(db: Db, codeHash: string): Promise<OAuthCodeRow | undefined> {
  return db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Claims an unused code for one exchange, naming the session it will start in the same statement:
 * a second use then knows what to end. False when it was already used.
 */
export async function claimAuthorizationCode(db: Db, id: number, at: string, sessionId: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_codes')
    .set({ used_at: at, issued_session_id: sessionId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Used codes are kept past their expiry a while so a late replay still ends what they issued; then deleted. */
export async function deleteCodesExpiredBefore(db: Db, cutoff: string): Promise<void> {
  await db.deleteFrom('oauth_codes').where('expires_at', '<', cutoff).execute();
}

export async function findConsent(db: Db, userId: number, clientId: string): Promise<OAuthConsentRow | undefined> {
  return db
    .selectFrom('oauth_consents')
    .selectAll()
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

/** One consent per user and client; a new approval replaces the scopes (ON CONFLICT works alike on both engines). */
export async function upsertConsent(
  db: Db,
  consent: { user_id: number; client_id: string; scope: string; granted_at: string },
): Promise<void> {
  await db
    .insertInto('oauth_consents')
    .values(consent)
    .onConflict((c) =>
      c.columns(['user_id', 'client_id']).doUpdateSet({ scope: consent.scope, granted_at: consent.granted_at }),
    )
    .execute();
}

export async function selectConsentsOfUser(db: Db, userId: number): Promise<Array<OAuthConsentRow & { name: string }>> {
  return db
    .selectFrom('oauth_consents')
    .innerJoin('oauth_clients', 'oauth_clients.client_id', 'oauth_consents.client_id')
    .selectAll('oauth_consents')
    .select('oauth_clients.name')
    .where('oauth_consents.user_id', '=', userId)
    .orderBy('oauth_consents.id', 'desc')
    .execute();
}

export async function deleteConsent(db: Db, userId: number, clientId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('oauth_consents')
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
