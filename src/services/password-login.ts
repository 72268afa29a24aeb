import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import { findUserByNormalizedUsername, replacePasswordHash } from '../repositories/users.repository';
import type { Dependencies } from '../dependencies';
import { admitLogin } from './attempt-limits';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'passwords'>;

/** Wrong password, unknown user and inactive user are one outcome: nothing tells them apart. */
export type PasswordLogin =
  | { readonly outcome: 'authenticated'; readonly user: UserRow }
  | { readonly outcome: 'throttled'; readonly retryAfter: number }
  | { readonly outcome: 'invalid_credentials' }
  /** The password was right, but REQUIRE_VERIFIED_EMAIL is on and the address is not verified yet. */
  | { readonly outcome: 'email_not_verified' };

/**
 * The user whose username and password these are, or why not. The
 * row is the one the password was checked against: its token_version is what a session may be
 * started under (startRefreshFamily re-checks it).
 */
export async function authenticatePassword(
  deps: Deps,
  username: string,
  password: string,
  clientIp: string,
): Promise<PasswordLogin> {
  const user = await findUserByNormalizedUsername(deps.db, username.toLowerCase());
  const admission = await admitLogin(deps, username, clientIp);
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'login_throttled', {
      user_id: user?.id,
      limit: admission.limit,
      retry_after: admission.retryAfter,
    });
    // Refused before the password is looked at: the right one gets this same answer.
    return { outcome: 'throttled', retryAfter: admission.retryAfter };
  }
  // Always runs bcrypt at the configured cost (against a dummy hash for unknown users) so timing does not reveal who exists.
  const { matches, needsRehash } = await deps.passwords.verify(password, user?.password_hash);
  if (!user || !matches || user.is_active !== 1) {
    audit(deps.logger, 'login_failed', {
      user_id: user?.id,
      reason: !user ? 'unknown_user' : !matches ? 'wrong_password' : 'inactive_user',
    });
    return { outcome: 'invalid_credentials' };
  }
  await admission.succeeded();
  // Only after the right password: a wrong one says nothing about the address.
  if (deps.config.mail.requireVerifiedEmail && user.email_verified !== 1) {
    audit(deps.logger, 'login_failed', { user_id: user.id, reason: 'email_not_verified' });
    return { outcome: 'email_not_verified' };
  }
  if (needsRehash) await rehash(deps, user, password);
  audit(deps.logger, 'login_succeeded', { user_id: user.id });
  return { outcome: 'authenticated', user };
}

/**
 * A hash at another cost (or made before normalisation, or by another scheme) is replaced on the
 * first successful login: from then on this user's logins cost what everyone else's do.
 */
async function rehash(deps: Deps, user: UserRow, password: string): Promise<void> {
  await replacePasswordHash(deps.db, user.id, user.password_hash, await deps.passwords.hash(password));
  audit(deps.logger, 'password_rehashed', { user_id: user.id });
}
