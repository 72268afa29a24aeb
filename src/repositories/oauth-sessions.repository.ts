import type { Kysely } from 'kysely';
import type { Database, SessionRow, UserRow } from '../db/schema';
import { hasRefreshableToken } from './sessions.repository';

type Db = Kysely<Database>;

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Makes the session the browser's single sign-on (the hosted pages' cookie holds the secret whose hash this is). */
export async function setSessionSso(db: Db, sessionId: string, ssoHash: string): Promise<void> {
  await db.updateTable('sessions').set({ sso_hash: ssoHash }).where('id', '=', sessionId).execute();
}

/**
 * The session a sign-in cookie names, with its user, while it can still be used: not ended, user
 * active, and a refresh token of it still live (a password change or "log out everywhere" revokes
 * those without marking sessions ended).
 */
export async function findLiveSsoSession(
  db: Db,
  ssoHash: string,
  now: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const session = await db
    .selectFrom('sessions')
    .selectAll()
    .where('sso_hash', '=', ssoHash)
    .where('revoked_at', 'is', null)
    .where(hasRefreshableToken(now))
    .executeTakeFirst();
  if (!session) return undefined;
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', session.user_id)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return user ? { session, user } : undefined;
}

/**
 * Ends every session of the client (of one user, or of all): refresh tokens revoked, sessions
 * ended, so the access tokens naming them fail the bearer check's session join at once. Repeated
 * until nothing is left live, as revokeRefreshTokenFamily is (a rotation may commit meanwhile on PostgreSQL).
 */
export async function endClientSessions(
  db: Db,
  clientId: string,
  userId: number | undefined,
  at: string,
): Promise<void> {
  for (;;) {
    let update = db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null);
    if (userId !== undefined) update = update.where('user_id', '=', userId);
    if ((await update.executeTakeFirst()).numUpdatedRows === 0n) break;
  }
  let sessions = db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) sessions = sessions.where('user_id', '=', userId);
  await sessions.execute();
}
