import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import { loginThrottled, OAuthError } from '../errors';
import { findUserByNormalizedUsername } from '../repositories/users.repository';
import type { Services } from '../services';
import { admitLogin } from './attempt-limits';
import { verifyStoredPassword } from './imported-hash-login';

type Deps = Pick<Services, 'db' | 'clock' | 'config' | 'logger' | 'passwords'>;

// One answer for wrong password, unknown user and inactive user: nothing to tell them apart.
const invalidCredentials = () => new OAuthError('invalid_grant', 'Invalid username or password.');

/** The user whose username and password these are, unless the attempt is throttled or wrong. */
export async function authenticatePassword(deps: Deps, username: string, password: string, clientIp: string): Promise<UserRow> {
  const user = await findUserByNormalizedUsername(deps.db, username.toLowerCase());
  const admission = await admitLogin(deps, username, clientIp);
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'login_throttled', { user_id: user?.id, limit: admission.limit, retry_after: admission.retryAfter });
    // Refused before the password is looked at: the right one gets this same answer.
    throw loginThrottled(admission.retryAfter);
  }
  // Always runs bcrypt (against a dummy hash for unknown users) so timing does not reveal who exists.
  const passwordMatches = await verifyStoredPassword(deps, password, user);
  if (!user || !passwordMatches || user.is_active !== 1) {
    audit(deps.logger, 'login_failed', { user_id: user?.id, reason: !user ? 'unknown_user' : !passwordMatches ? 'wrong_password' : 'inactive_user' });
    throw invalidCredentials();
  }
  await admission.succeeded();
  audit(deps.logger, 'login_succeeded', { user_id: user.id });
  return user;
}
