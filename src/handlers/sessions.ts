import { audit } from '../audit';
import { passwordChangeThrottled, passwordTooCommon, wrongPassword } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { updateUser } from '../repositories/users.repository';
import { isCommonPassword } from '../security/common-passwords';
import { clearRefreshCookie } from '../security/refresh-cookie';
import { requireReauthentication } from '../services/reauthentication';
import { endAllSessionsOf } from '../services/refresh-sessions';
import { withMail } from '../mail/mail-transaction';

export const endAllSessions: OperationHandler<'endAllSessions'> = async (input, services) => {
  const { user } = authenticated(input);
  await services.db.transaction().execute((trx) => endAllSessionsOf(trx, user.id, services.clock.now().toISOString()));
  audit(services.logger, 'logout_everywhere', { user_id: user.id });
  return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
};

/**
 * A stolen access token alone cannot take the account over: the current password is required, and
 * guessing it is throttled exactly like guessing at /token (same counters, checked before bcrypt).
 */
export const changePassword: OperationHandler<'changePassword'> = async (input, services) => {
  const { user } = authenticated(input);
  const { current_password, new_password } = input.body;
  // First: it costs no bcrypt, touches no login counter and tells nothing about the current password.
  if (isCommonPassword(new_password)) throw passwordTooCommon('new_password');
  const proof = await requireReauthentication(services, user, current_password, input.clientIp);
  if (proof.outcome === 'throttled') {
    audit(services.logger, 'password_change_throttled', { user_id: user.id, limit: proof.limit, retry_after: proof.retryAfter });
    throw passwordChangeThrottled(proof.retryAfter);
  }
  // The schema requires current_password, so it is never missing here; this operation predates
  // the 403 invalid_credentials of the other sensitive changes and keeps its 400 wrong_password.
  if (proof.outcome !== 'confirmed') {
    audit(services.logger, 'password_change_failed', { user_id: user.id, reason: 'wrong_password' });
    throw wrongPassword();
  }
  const password_hash = await services.passwords.hash(new_password);
  const now = services.clock.now().toISOString();
  // One transaction: a new password with old sessions still alive must never be observable.
  await withMail(services, async (trx, queue) => {
    await updateUser(trx, user.id, { password_hash });
    await endAllSessionsOf(trx, user.id, now);
    await queue(user.email, { kind: 'password_changed' });
  });
  audit(services.logger, 'password_changed', { user_id: user.id });
  return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
};
