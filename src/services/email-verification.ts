import type { Kysely } from 'kysely';
import { audit } from '../audit';
import { isUniqueViolation } from '../db/errors';
import type { AccountTokenRow, Database, UserRow } from '../db/schema';
import type { QueueMail } from './mail-transaction';
import { withMail } from './mail-transaction';
import { linkFor } from '../mail/templates';
import { expireAccountTokensOf } from '../repositories/account-tokens.repository';
import { findUserById, findUserByNormalizedEmail, updateUser } from '../repositories/users.repository';
import type { Dependencies } from '../dependencies';
import { issueAccountToken, useToken } from './account-tokens';

/** Issues a verification token for `address` and queues its link, inside the caller's transaction. */
export async function queueVerification(services: Dependencies, trx: Kysely<Database>, queue: QueueMail, userId: number, address: string): Promise<void> {
  const { emailVerificationUrl, emailVerificationTtl } = services.config.mail;
  const token = await issueAccountToken(trx, 'email_verification', userId, address, services.clock.now(), emailVerificationTtl);
  await queue(address, { kind: 'email_verification', link: linkFor(emailVerificationUrl, token), ttlHours: Math.round(emailVerificationTtl / 3600) });
}

/** The address waiting for proof: a pending change first, else the current one while unverified. */
export function addressToVerify(user: UserRow): string | undefined {
  if (user.pending_email !== null) return user.pending_email;
  return user.email_verified === 1 ? undefined : user.email;
}

/**
 * A pending change to an address another account has gets nothing: that owner was told once when the
 * change was asked for (email-change.ts), and a link for someone else's account would only spend
 * their address's mail budget. Callers that answer a request run this after the answer
 * (OutboxWorker.afterAnswer), so the lookup shows in neither the answer nor its timing.
 */
export async function mailVerification(services: Dependencies, user: UserRow): Promise<void> {
  const address = addressToVerify(user);
  if (address === undefined) return;
  if (user.pending_email !== null && (await findUserByNormalizedEmail(services.db, address.toLowerCase()))) return;
  await withMail(services, (trx, queue) => queueVerification(services, trx, queue, user.id, address));
  audit(services.logger, 'email_verification_requested', { user_id: user.id });
}

/**
 * Uses the token and proves its address. For a pending change the address becomes the user's email;
 * should another account have taken it meanwhile, the unique index refuses, the transaction rolls
 * back and the outcome is the same as for any dead token.
 */
export async function confirmEmailVerification(services: Dependencies, token: string): Promise<{ outcome: 'verified' } | { outcome: 'invalid_token' }> {
  const now = services.clock.now();
  const user = await services.db
    .transaction()
    .execute(async (trx) => {
      const used = await useToken(trx, 'email_verification', token, now);
      return used && applyVerification(trx, used, now.toISOString());
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    });
  if (!user) return { outcome: 'invalid_token' };
  audit(services.logger, 'email_verified', { user_id: user.id });
  return { outcome: 'verified' };
}

async function applyVerification(trx: Kysely<Database>, token: AccountTokenRow, now: string): Promise<UserRow | undefined> {
  const user = await findUserById(trx, token.user_id);
  const address = token.email;
  if (!user || address === null) return undefined;
  if (address.toLowerCase() === user.email_normalized) return updateUser(trx, user.id, { email_verified: 1 });
  if (user.pending_email === null || address.toLowerCase() !== user.pending_email.toLowerCase()) return undefined;
  // Reset links went to the old address: once it is no longer the account's, they must not work.
  await expireAccountTokensOf(trx, user.id, 'password_reset', now);
  return updateUser(trx, user.id, { email: address, email_normalized: address.toLowerCase(), email_verified: 1, pending_email: null });
}
