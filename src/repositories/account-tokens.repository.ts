import type { Kysely } from 'kysely';
import type { AccountTokenPurpose, AccountTokenRow, Database } from '../db/schema';

type Db = Kysely<Database>;

export interface NewAccountToken {
  readonly tokenHash: string;
  readonly purpose: AccountTokenPurpose;
  readonly userId: number;
  readonly email: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export async function insertAccountToken(db: Db, token: NewAccountToken): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({ token_hash: token.tokenHash, purpose: token.purpose, user_id: token.userId, email: token.email, created_at: token.createdAt, expires_at: token.expiresAt })
    .execute();
}

/** A live token: unused, unexpired. Only a hint; useAccountToken decides. */
export async function findAccountTokenByHash(db: Db, tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRow | undefined> {
  return db
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Uses the token if it is unused and unexpired: one conditional UPDATE, so of concurrent uses
 * exactly one gets the row back; the others (and unknown, expired or used tokens) get nothing.
 */
export async function useAccountToken(db: Db, tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRow | undefined> {
  return db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Kills every live token of this purpose (a newer one replaces them; a reset ends them all). */
export async function expireAccountTokensOf(db: Db, userId: number, purpose: AccountTokenPurpose, now: string): Promise<void> {
  await db.updateTable('account_tokens').set({ used_at: now }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}

/**
 * Kills the live verification links of a pending email change: those for any address but the
 * account's current one (a link proving the current address changes nothing but the verified flag).
 */
export async function expireEmailChangeTokensOf(db: Db, userId: number, now: string): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', 'email_verification')
    .where('used_at', 'is', null)
    .where('email', 'is not', null)
    .where((eb) => eb('email', '!=', eb.selectFrom('users').select('email').where('id', '=', userId)))
    .execute();
}

/** Used and expired tokens are only history: they go when a user asks for a new one. */
export async function deleteDeadAccountTokensOf(db: Db, userId: number, now: string): Promise<void> {
  await db
    .deleteFrom('account_tokens')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
    .execute();
}
