import { audit } from '../audit';
import { ApiError, validationFailed } from '../errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { updateUser } from '../repositories/users.repository';
import { MAX_PASSWORD_BYTES, passwordTooLong } from '../security/passwords';
import { clearRefreshCookie } from '../security/refresh-cookie';
import { endAllSessionsOf } from '../services/refresh-sessions';

const wrongPassword = () =>
  new ApiError(400, 'wrong_password', 'The current password is not correct.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }],
  });

export const endAllSessions: OperationHandler<'endAllSessions'> = async (input, services) => {
  const { user } = authenticated(input);
  await services.db.transaction().execute((trx) => endAllSessionsOf(trx, user.id, services.clock.now().toISOString()));
  audit(services.logger, 'logout_everywhere', { user_id: user.id });
  return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
};

/** A stolen access token alone cannot take the account over: the current password is required. */
export const changePassword: OperationHandler<'changePassword'> = async (input, services) => {
  const { user } = authenticated(input);
  const { current_password, new_password } = input.body;
  if (passwordTooLong(new_password)) {
    throw validationFailed([{ location: 'body', field: 'new_password', message: `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8` }]);
  }
  if (!(await services.passwords.verify(current_password, user.password_hash))) {
    audit(services.logger, 'password_change_failed', { user_id: user.id, reason: 'wrong_password' });
    throw wrongPassword();
  }
  const password_hash = await services.passwords.hash(new_password);
  const now = services.clock.now().toISOString();
  // One transaction: a new password with old sessions still alive must never be observable.
  await services.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash });
    await endAllSessionsOf(trx, user.id, now);
  });
  audit(services.logger, 'password_changed', { user_id: user.id });
  return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
};
