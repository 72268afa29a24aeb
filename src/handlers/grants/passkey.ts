import type { Dependencies } from '../../dependencies';
import { invalidPasskeyLogin, loginThrottled, scopeNotAllowed } from '../../http/errors';
import { refuseForeignOrigin } from '../../http/refresh-cookie';
import { grantScopes } from '../../security/scopes';
import { authenticatePasskey, type PasskeyLogin } from '../../services/passkeys/authentication';
import { startRefreshFamily } from '../../services/refresh-tokens';
import { loginContext } from '../../services/sessions';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { type Grant, type GrantRequest, type TokenInput, type TokenResult } from './grant';
import { tokenResponse } from './token-response';

export type PasskeyGrantRequest = GrantRequest<'urn:tollgate:params:oauth:grant-type:passkey'>;

/**
 * A WebAuthn assertion over a challenge from POST /passkeys/authentication/options (docs/passkeys.md).
 * A passkey with user verification is two factors, so a user with TOTP enrolled is not asked for a
 * code on top. A login of its own: counted in the login metrics, failures in the login limits.
 */
export const passkeyGrant: Grant<'urn:tollgate:params:oauth:grant-type:passkey'> = {
  metric: 'login_attempts',
  async handle(body: PasskeyGrantRequest, input: TokenInput, services: Dependencies): Promise<TokenResult> {
    // In cookie mode this refuses a foreign Origin before anything is checked (login CSRF).
    refuseForeignOrigin(services.config, input.origin);
    const { user, amr } = authenticated(
      await authenticatePasskey(services, body.challenge_id, body.credential, input.clientIp),
    );
    const grant = grantScopes(user.role, body.scope);
    if ('refused' in grant) throw scopeNotAllowed(grant.refused);
    const started = await startRefreshFamily(services, user, grant.granted, loginContext(input, amr));
    // A deactivation or logout everywhere committed meanwhile.
    if (started === undefined) throw invalidPasskeyLogin();
    return tokenResponse(services, user, grant.granted, started.refreshToken, { sid: started.sessionId, amr });
  },
};

/** The signed-in user; every failure is one answer (which check failed is in the audit log only). */
function authenticated(login: PasskeyLogin): Extract<PasskeyLogin, { outcome: 'authenticated' }> {
  switch (login.outcome) {
    case 'authenticated':
      return login;
    case 'throttled':
      throw loginThrottled(login.retryAfter);
    case 'invalid':
      throw invalidPasskeyLogin();
    default:
      return unhandledOutcome(login);
  }
}
