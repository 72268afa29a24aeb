import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountTokenPurpose, AccountTokenRow, Database } from '../db/schema';
import {
  deleteDeadAccountTokensOf,
  expireAccountTokensOf,
  insertAccountToken,
  useAccountToken,
} from '../repositories/account-tokens.repository';

/** SHA-256 is enough (no salt, no bcrypt): the token is 256 random bits, not a guessable password. */
export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A new token for this user and purpose; older live ones of the same purpose die (a newer request
 * replaces them). Only the hash is stored; the token itself goes into the mail, in the same transaction.
 */
export async function issueAccountToken(
  trx: Kysely<Database>,
  purpose: AccountTokenPurpose,
  userId: number,
  email: string | null,
  now: Date,
  ttlSeconds: number,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  await deleteDeadAccountTokensOf(trx, userId, at);
  await expireAccountTokensOf(trx, userId, purpose, at);
  await insertAccountToken(trx, {
    tokenHash: hashAccountToken(token),
    purpose,
    userId,
    email,
    createdAt: at,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
  });
  return token;
}

export async function useToken(
  trx: Kysely<Database>,
  purpose: AccountTokenPurpose,
  token: string,
  now: Date,
): Promise<AccountTokenRow | undefined> {
  return useAccountToken(trx, hashAccountToken(token), purpose, now.toISOString());
}
