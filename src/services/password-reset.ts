import { audit } from '../audit';
import { withMail } from './mail-transaction';
import { linkFor } from '../mail/templates';
import { findAccountTokenByHash } from '../repositories/account-tokens.repository';
import { findUserByNormalizedEmail, updateUser } from '../repositories/users.repository';
import type { Dependencies } from '../dependencies';
import { isCommonPassword } from '../security/passwords/common-passwords';
import { hashAccountToken, issueAccountToken, useToken } from './account-tokens';
import { endAllSessionsOf } from './refresh-tokens';

/**
 * Runs after POST /password-reset was answered (see OutboxWorker.afterAnswer): whether the address
 * has an account shows neither in the answer nor in its timing. Inactive accounts get nothing.
 */
export async function mailPasswordReset(services: Dependencies, email: string): Promise<void> {
  const user = await findUserByNormalizedEmail(services.db, email.toLowerCase());
  if (!user || user.is_active !== 1) {
    audit(services.logger, 'password_reset_requested', { user_id: undefined });
    return;
  }
  const { passwordResetUrl, passwordResetTtl } = services.config.mail;
  await withMail(services, async (trx, queue) => {
    const token = await issueAccountToken(trx, 'password_reset', user.id, null, services.clock.now(), passwordResetTtl);
    await queue(user.email, { kind: 'password_reset', link: linkFor(passwordResetUrl, token), ttlMinutes: Math.round(passwordResetTtl / 60) });
  });
  audit(services.logger, 'password_reset_requested', { user_id: user.id });
}

/**
 * Uses the token and sets the password in one transaction: of concurrent confirms exactly one wins
 * (the conditional UPDATE in useToken), and the new password never coexists with old sessions.
 */
export async function confirmPasswordReset(services: Dependencies, token: string, newPassword: string): Promise<{ outcome: 'reset' } | { outcome: 'invalid_token' } | { outcome: 'password_too_common' }> {
  // Before the token is looked at: it stays unspent for a second try with a better password.
  if (isCommonPassword(newPassword)) return { outcome: 'password_too_common' };
  const now = services.clock.now();
  // A cheap look first: an unknown or dead token costs no bcrypt hash. The UPDATE below still decides.
  const found = await findAccountTokenByHash(services.db, hashAccountToken(token), 'password_reset', now.toISOString());
  if (!found) return { outcome: 'invalid_token' };
  const password_hash = await services.passwords.hash(newPassword);
  const userId = await withMail(services, async (trx, queue) => {
    const used = await useToken(trx, 'password_reset', token, now);
    if (!used) return undefined;
    // The link reached the account's address (an email change since would have killed it): that
    // proves the address too, so a user whose verification link expired is not locked out by
    // REQUIRE_VERIFIED_EMAIL for good.
    const user = await updateUser(trx, used.user_id, { password_hash, email_verified: 1 });
    if (!user) return undefined;
    // Ends the sessions and every other reset link with them.
    await endAllSessionsOf(trx, user.id, now.toISOString());
    await queue(user.email, { kind: 'password_changed' });
    return user.id;
  });
  if (userId === undefined) return { outcome: 'invalid_token' };
  audit(services.logger, 'password_reset_completed', { user_id: userId });
  return { outcome: 'reset' };
}
