import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { expireAccountTokensOf, expireEmailChangeTokensOf } from '../repositories/account-tokens.repository';
import { revokeRefreshTokensOfUser } from '../repositories/refresh-tokens.repository';
import { incrementTokenVersion, updateUser } from '../repositories/users.repository';

type Db = Kysely<Database>;

/**
 * "Log out everywhere": every refresh token of the user is revoked, and the token version moves
 * on so that every access token already issued fails the security handler's check at once.
 */
export async function endAllSessionsOf(db: Db, userId: number, revokedAt: string): Promise<void> {
  await incrementTokenVersion(db, userId);
  await revokeRefreshTokensOfUser(db, userId, revokedAt);
  // A reset link mailed before is a way back in too: a password change, deactivation or logout
  // everywhere (often the answer to "someone is in my account") ends it with the sessions.
  await expireAccountTokensOf(db, userId, 'password_reset', revokedAt);
  await cancelPendingEmailChange(db, userId, revokedAt);
}

/**
 * Every path that ends a session ends a pending email change and its link too: confirmed later, it
 * would move the address (and every future reset link) to whoever queued it, after the owner had
 * taken the account back. The owner may simply ask for the change again.
 */
export async function cancelPendingEmailChange(db: Db, userId: number, at: string): Promise<void> {
  await expireEmailChangeTokensOf(db, userId, at);
  await updateUser(db, userId, { pending_email: null });
}
