import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { updateUser } from '../repositories/users.repository';
import { isCommonPassword } from '../security/passwords/common-passwords';
import type { LoginLimitName } from './attempt-limits';
import { withMail } from './mail-transaction';
import { requireReauthentication } from './reauthentication';
import { endAllSessionsOf } from './refresh-tokens';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'passwords' | 'metrics' | 'outbox'>;

export type PasswordChange =
  | { readonly outcome: 'changed' }
  | { readonly outcome: 'wrong_password' }
  | { readonly outcome: 'password_too_common' }
  | { readonly outcome: 'throttled'; readonly limit: LoginLimitName; readonly retryAfter: number };

/**
 * A stolen access token alone cannot take the account over: the current password is required, and
 * guessing it is throttled exactly like guessing at /token (same counters, checked before bcrypt).
 */
export async function changePassword(deps: Deps, user: UserRow, currentPassword: string, newPassword: string, clientIp: string): Promise<PasswordChange> {
  // First: it costs no bcrypt, touches no login counter and tells nothing about the current password.
  if (isCommonPassword(newPassword)) return { outcome: 'password_too_common' };
  const proof = await requireReauthentication(deps, user, currentPassword, clientIp);
  if (proof.outcome === 'throttled') {
    audit(deps.logger, 'password_change_throttled', { user_id: user.id, limit: proof.limit, retry_after: proof.retryAfter });
    return proof;
  }
  // The schema requires current_password, so it is never missing here; this operation predates
  // the 403 invalid_credentials of the other sensitive changes and keeps its 400 wrong_password.
  if (proof.outcome !== 'confirmed') {
    audit(deps.logger, 'password_change_failed', { user_id: user.id, reason: 'wrong_password' });
    return { outcome: 'wrong_password' };
  }
  const password_hash = await deps.passwords.hash(newPassword);
  const now = deps.clock.now().toISOString();
  // One transaction: a new password with old sessions still alive must never be observable.
  await withMail(deps, async (trx, queue) => {
    await updateUser(trx, user.id, { password_hash });
    await endAllSessionsOf(trx, user.id, now);
    await queue(user.email, { kind: 'password_changed' });
  });
  audit(deps.logger, 'password_changed', { user_id: user.id });
  return { outcome: 'changed' };
}
