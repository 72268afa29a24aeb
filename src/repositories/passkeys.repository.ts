import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../db/errors';
import type {
  NewPasskeyChallengeRow,
  NewPasskeyRow,
  PasskeyChallengePurpose,
  PasskeyChallengeRow,
  PasskeyRow,
} from '../db/passkey-schema';
import type { Database } from '../db/schema';

type Db = Kysely<Database>;

export async function findUserHandle(db: Db, userId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('passkey_user_handles')
    .select('handle')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.handle;
}

/** Stores the handle unless the user has one already (a concurrent first registration): the stored one wins either way. */
export async function insertUserHandle(db: Db, userId: number, handle: string): Promise<void> {
  await db
    .insertInto('passkey_user_handles')
    .values({ user_id: userId, handle })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

export async function findUserIdByHandle(db: Db, handle: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('passkey_user_handles')
    .select('user_id')
    .where('handle', '=', handle)
    .executeTakeFirst();
  return row?.user_id;
}

export async function selectPasskeysOfUser(db: Db, userId: number): Promise<PasskeyRow[]> {
  return db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

export async function countPasskeysOfUser(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findPasskeyByCredentialId(db: Db, credentialId: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

/** The new passkey, or undefined when its credential id is registered already (to any user). */
export async function insertPasskey(db: Db, row: NewPasskeyRow): Promise<PasskeyRow | undefined> {
  try {
    return await db.insertInto('passkeys').values(row).returningAll().executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

export async function renamePasskeyOfUser(
  db: Db,
  userId: number,
  id: number,
  name: string,
): Promise<PasskeyRow | undefined> {
  return db
    .updateTable('passkeys')
    .set({ name })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function deletePasskeyOfUser(db: Db, userId: number, id: number): Promise<PasskeyRow | undefined> {
  return db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/**
 * Records a use: the counter moves only forward (or stays 0 for authenticators without one). Of
 * two concurrent uses of one signature-counter value, one wins; false for the other.
 */
export async function recordPasskeyUse(
  db: Db,
  id: number,
  previous: number,
  counter: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter, last_used_at: at })
    .where('id', '=', id)
    .where((eb) => (counter === 0 ? eb('counter', '=', 0) : eb('counter', '=', previous)))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertPasskeyChallenge(db: Db, row: NewPasskeyChallengeRow): Promise<void> {
  await db.insertInto('passkey_challenges').values(row).execute();
}

/** Expired challenges go with the next new one: no job needed. */
export async function deleteExpiredPasskeyChallenges(db: Db, now: string): Promise<void> {
  await db.deleteFrom('passkey_challenges').where('expires_at', '<=', now).execute();
}

/**
 * Spends a live challenge of this purpose: the row it was, or undefined when it is unknown,
 * expired or spent. The conditional UPDATE decides which of two concurrent uses gets it.
 */
export async function spendPasskeyChallenge(
  db: Db,
  which: { challengeId: string; purpose: PasskeyChallengePurpose; userId?: number },
  now: string,
): Promise<PasskeyChallengeRow | undefined> {
  let query = db
    .updateTable('passkey_challenges')
    .set({ used_at: now })
    .where('challenge_id', '=', which.challengeId)
    .where('purpose', '=', which.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now);
  if (which.userId !== undefined) query = query.where('user_id', '=', which.userId);
  return query.returningAll().executeTakeFirst();
}
