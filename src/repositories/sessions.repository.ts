import { CompiledQuery, type ExpressionBuilder, type Kysely } from 'kysely';
import { perRequestRead } from '../db/per-request-reads';
import type { Database, SessionRow, UserRow } from '../db/schema';

type Db = Kysely<Database>;

export type NewSession = Omit<SessionRow, 'revoked_at' | 'client_id' | 'sso_hash'> & { client_id?: string | null };

export async function insertSession(db: Db, session: NewSession): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

/** The user row with whether the access token's session (`sid`) still stands. */
export type UserWithSession = UserRow & { session_live: number | null };

// Every authenticated request runs this one statement: the session's state comes with the user
// row, not in a second round trip.
const userWithSessionSql = perRequestRead((db) =>
  db
    .selectFrom('users')
    .leftJoin('sessions', (join) =>
      join.on('sessions.id', '=', '').onRef('sessions.user_id', '=', 'users.id').on('sessions.revoked_at', 'is', null),
    )
    .selectAll('users')
    .select((eb) => eb.case().when('sessions.id', 'is not', null).then(1).end().as('session_live'))
    .where('users.id', '=', 0),
);

/** session_live is 1 for a live session of this user, null when `sid` names none (or an ended one). */
export async function findUserWithSession(db: Db, userId: number, sid: string): Promise<UserWithSession | undefined> {
  const { rows } = await db.executeQuery<UserWithSession>(CompiledQuery.raw(userWithSessionSql(db), [sid, userId]));
  return rows[0];
}

export async function findSessionAmr(
  db: Db,
  id: string,
): Promise<{ amr: string; client_id: string | null } | undefined> {
  return db.selectFrom('sessions').select(['amr', 'client_id']).where('id', '=', id).executeTakeFirst();
}

/** Whether the session exists (a family started before sessions existed has none). */
export async function touchSession(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Inserts the session unless one with its id exists (two refreshes racing to create it both succeed). */
export async function insertSessionIfMissing(db: Db, session: NewSession): Promise<void> {
  await db
    .insertInto('sessions')
    .values(session)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

/** Sessions not ended that still have a refresh token that can refresh: the logins the user can still use. */
export async function selectLiveSessions(db: Db, userId: number, now: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where(hasRefreshableToken(now))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Ends every session of this user not already ended, but `keepId`. */
export async function markOtherSessionsEnded(db: Db, userId: number, keepId: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('id', '<>', keepId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends one session of this user; false when the user has no such session not already ended. */
export async function markSessionEnded(db: Db, userId: number, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A session is live while a refresh token of its family can still refresh (unrevoked, unrotated, unexpired). */
export function hasRefreshableToken(now: string) {
  return ({ exists, selectFrom }: ExpressionBuilder<Database, 'sessions'>) =>
    exists(
      selectFrom('refresh_tokens')
        .select('refresh_tokens.id')
        .whereRef('refresh_tokens.family_id', '=', 'sessions.id')
        .where('refresh_tokens.revoked_at', 'is', null)
        .where('refresh_tokens.rotated_at', 'is', null)
        .where('refresh_tokens.expires_at', '>', now),
    );
}
