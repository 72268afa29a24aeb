import type { Kysely } from 'kysely';
import type { Database, MfaChallengeRow, MfaTotpRow } from '../db/schema';

type Db = Kysely<Database>;

export async function findTotp(db: Db, userId: number): Promise<MfaTotpRow | undefined> {
  return db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** A new pending enrolment replaces a pending one; a confirmed one stays (false). */
export async function replacePendingTotp(db: Db, row: Pick<MfaTotpRow, 'user_id' | 'secret_sealed' | 'key_id' | 'created_at'>): Promise<boolean> {
  await db.deleteFrom('mfa_totp').where('user_id', '=', row.user_id).where('confirmed_at', 'is', null).execute();
  const result = await db.insertInto('mfa_totp').values({ ...row, confirmed_at: null, last_step: null }).onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/**
 * Records `step` as accepted, only if it is later than every step accepted before: of concurrent
 * submissions of one code exactly one gets true (the condition is in the UPDATE, not a read).
 */
export async function claimTotpStep(db: Db, userId: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('mfa_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markTotpConfirmed(db: Db, userId: number, at: string): Promise<boolean> {
  const result = await db.updateTable('mfa_totp').set({ confirmed_at: at }).where('user_id', '=', userId).where('confirmed_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setMfaEnabled(db: Db, userId: number, enabled: boolean): Promise<void> {
  await db.updateTable('users').set({ mfa_enabled: enabled ? 1 : 0 }).where('id', '=', userId).execute();
}

export async function deleteSecondFactor(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
  await setMfaEnabled(db, userId, false);
}

export async function replaceRecoveryCodes(db: Db, userId: number, hashes: readonly string[]): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db.insertInto('mfa_recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null }))).execute();
}

/** Spends an unused code; of concurrent uses of one code exactly one gets true. */
export async function spendRecoveryCode(db: Db, userId: number, codeHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('mfa_recovery_codes').set({ used_at: at }).where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countUnusedRecoveryCodes(db: Db, userId: number): Promise<number> {
  const row = await db.selectFrom('mfa_recovery_codes').select((eb) => eb.fn.countAll<number | string | bigint>().as('count')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertChallenge(db: Db, row: Omit<MfaChallengeRow, 'id' | 'failures' | 'used_at'>): Promise<void> {
  await db.insertInto('mfa_challenges').values({ ...row, used_at: null }).execute();
}

export async function findChallengeByHash(db: Db, tokenHash: string): Promise<MfaChallengeRow | undefined> {
  return db.selectFrom('mfa_challenges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Counts a wrong code against the challenge (conditional, so concurrent wrong codes all count). */
export async function countChallengeFailure(db: Db, id: number): Promise<void> {
  await db.updateTable('mfa_challenges').set((eb) => ({ failures: eb('failures', '+', 1) })).where('id', '=', id).execute();
}

/** Uses the challenge up; false when another request used it first or it has seen too many wrong codes. */
export async function spendChallenge(db: Db, id: number, maxFailures: number, at: string): Promise<boolean> {
  const result = await db.updateTable('mfa_challenges').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).where('failures', '<', maxFailures).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteExpiredChallenges(db: Db, now: string): Promise<void> {
  await db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).execute();
}
