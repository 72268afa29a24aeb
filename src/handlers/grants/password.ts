import { audit } from '../../audit';
import type { Dependencies } from '../../dependencies';
import type { UserRow } from '../../db/schema';
import { emailNotVerified, invalidCredentials, loginThrottled, mfaRequired, scopeNotAllowed } from '../../http/errors';
import { refuseForeignOrigin } from '../../http/refresh-cookie';
import { grantScopes } from '../../security/scopes';
import { issueMfaChallenge } from '../../services/mfa/login';
import { authenticatePassword, type PasswordLogin } from '../../services/password-login';
import { startRefreshFamily } from '../../services/refresh-tokens';
import { loginContext } from '../../services/sessions';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { type Grant, type GrantRequest, type TokenInput, type TokenResult } from './grant';
import { tokenResponse } from './token-response';

export type PasswordGrantRequest = GrantRequest<'password'>;

/** RFC 6749 §4.3. A form without `grant_type` is this grant too (the spec's PasswordGrantRequest; FastAPI clients send none). */
export const passwordGrant: Grant<'password'> = {
  metric: 'login_attempts',
  async handle(body: PasswordGrantRequest, input: TokenInput, services: Dependencies): Promise<TokenResult> {
    // In cookie mode this refuses a foreign Origin before any password is checked (login CSRF).
    refuseForeignOrigin(services.config, input.origin);
    const user = authenticated(await authenticatePassword(services, body.username, body.password, input.clientIp));

    const grant = grantScopes(user.role, body.scope);
    if ('refused' in grant) throw scopeNotAllowed(grant.refused);
    // A second factor is enrolled: the password alone gives an mfa_token, not tokens (docs/mfa.md).
    if (user.mfa_enabled === 1) throw mfaRequired(await issueMfaChallenge(services, user, grant.granted));
    const amr = ['pwd'];
    const started = await startRefreshFamily(services, user, grant.granted, loginContext(input, amr));
    // The password was right but a password change, deactivation or logout everywhere committed meanwhile.
    if (started === undefined) {
      audit(services.logger, 'login_failed', { user_id: user.id, reason: 'superseded' });
      throw invalidCredentials();
    }
    return tokenResponse(services, user, grant.granted, started.refreshToken, { sid: started.sessionId, amr });
  },
};

/** The user the password was right for; every other outcome is the error the client is told. */
function authenticated(login: PasswordLogin): UserRow {
  switch (login.outcome) {
    case 'authenticated':
      return login.user;
    case 'throttled':
      throw loginThrottled(login.retryAfter);
    case 'invalid_credentials':
      throw invalidCredentials();
    case 'email_not_verified':
      throw emailNotVerified();
    default:
      return unhandledOutcome(login);
  }
}
