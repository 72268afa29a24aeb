import { passwordChangeThrottled, passwordTooCommon, wrongPassword } from '../http/errors';
import { authenticated, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import { clearRefreshCookie } from '../http/refresh-cookie';
import { changePassword as changeOwnPassword } from '../services/password-change';

/** The current password is required, and every session ends with the change (services/password-change.ts). */
export const changePassword: OperationHandler<'changePassword'> = async (input, services) => {
  const change = await changeOwnPassword(services, authenticated(input).user, input.body.current_password, input.body.new_password, input.clientIp);
  switch (change.outcome) {
    case 'changed':
      return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
    case 'throttled':
      throw passwordChangeThrottled(change.retryAfter);
    case 'wrong_password':
      throw wrongPassword();
    case 'password_too_common':
      throw passwordTooCommon('new_password');
    default:
      return unhandledOutcome(change);
  }
};
