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

/** Rows still holding a sealed successor although they were rotated before `cutoff`. */
export async function findSealedRotatedBefore(db: Db, cutoff: string, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('refresh_tokens').select('id').where('successor_sealed', 'is not', null).where('rotated_at', '<', cutoff).limit(limit).execute();
  return rows.map((row) => row.id);
}

/**
 * Past the reuse grace window a sealed successor is only a liability: with a copy of the database,
 * an old token would open it. One row per statement on purpose: a statement holding several row
 * locks could deadlock on PostgreSQL with a revocation locking the same rows in another order.
 */
export async function clearSealedSuccessor(db: Db, id: number, cutoff: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ successor_sealed: null }).where('id', '=', id).where('rotated_at', '<', cutoff).execute();
}

export async function revokeRefreshTokenFamily(db: Db, familyId: string, revokedAt: string): Promise<void> {
  await revokeUntilNoneLive(db, 'family_id', familyId, revokedAt);
}

export async function revokeRefreshTokensOfUser(db: Db, userId: number, revokedAt: string): Promise<void> {
  await revokeUntilNoneLive(db, 'user_id', userId, revokedAt);
}

/** Every family of the user but `keepFamilyId`. */
export async function revokeRefreshTokensOfUserExcept(db: Db, userId: number, keepFamilyId: string, revokedAt: string): Promise<void> {
  await revokeUntilNoneLive(db, 'user_id', userId, revokedAt, keepFamilyId);
}

/**
 * On PostgreSQL a rotation may commit while our UPDATE waits for its row: the UPDATE then misses
 * the successor that rotation inserted (it was not in the statement's snapshot). Every such wait
 * ends with the successor committed, so repeating until an UPDATE finds nothing live catches it;
 * a revoked token cannot be rotated, so this ends. On SQLite writers never overlap: the second round finds nothing.
 */
async function revokeUntilNoneLive(db: Db, column: 'family_id' | 'user_id', value: string | number, revokedAt: string, keepFamilyId?: string): Promise<void> {
  for (;;) {
    let update = db.updateTable('refresh_tokens').set({ revoked_at: revokedAt }).where(column, '=', value).where('revoked_at', 'is', null);
    if (keepFamilyId !== undefined) update = update.where('family_id', '<>', keepFamilyId);
    const result = await update.executeTakeFirst();
    if (result.numUpdatedRows === 0n) return;
  }
}
