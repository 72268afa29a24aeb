import type { Kysely } from 'kysely';
import type { Database, NewRefreshTokenRow, RefreshTokenRow } from '../db/schema';

type Db = Kysely<Database>;

export async function insertRefreshToken(db: Db, token: NewRefreshTokenRow): Promise<RefreshTokenRow> {
  return db.insertInto('refresh_tokens').values(token).returningAll().executeTakeFirstOrThrow();
}

export async function findRefreshTokenByHash(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks a live token rotated; false when another request got there first. The condition in the
 * WHERE clause, not a read before it, is what keeps concurrent refreshes from both succeeding.
 */
export async function markRefreshTokenRotated(db: Db, id: number, rotatedAt: string, successorSealed: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: rotatedAt, successor_sealed: successorSealed })
    .where('id', '=', id)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function revokeRefreshTokenFamily(db: Db, familyId: string, revokedAt: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: revokedAt }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
}

export async function revokeRefreshTokensOfUser(db: Db, userId: number, revokedAt: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: revokedAt }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}
