import { audit } from '../audit';
import type { components } from '../../generated/api';
import {
  emailNotVerified,
  invalidCredentials,
  invalidMfaLogin,
  invalidRefreshToken,
  loginThrottled,
  mfaRequired,
  missingParameter,
  OAuthError,
  scopeNotAllowed,
} from '../http/errors';
import type { OperationHandler, OperationInput, OperationResult } from '../http/operation-types';
import type { UserRow } from '../db/schema';
import { presentedRefreshToken, refuseForeignOrigin, setRefreshCookie } from '../security/refresh-cookie';
import { grantScopes } from '../security/scopes';
import { authenticatePassword } from '../services/password-login';
import { refreshSession, startRefreshFamily } from '../services/refresh-sessions';
import type { Dependencies } from '../dependencies';
import { completeMfaLogin, issueMfaChallenge, type SecondStep } from '../services/mfa-login';
import { loginContext, refreshedSession } from '../services/sessions';
import type { TokenSession } from '../security/access-tokens';
import { passkeyGrant } from './grants/passkey';

type PasswordGrant = components['schemas']['PasswordGrantRequest'];
type RefreshGrant = components['schemas']['RefreshTokenGrantRequest'];
type TokenResult = OperationResult<'issueToken'>;

/** RFC 6749 token endpoint: §4.3 password grant, §6 refresh grant, and the second step of a login with a second factor. */
export const issueToken: OperationHandler<'issueToken'> = async (input, services) => {
  const { body } = input;
  if (body.grant_type === 'refresh_token') return refreshGrant(body, input, services);
  if (body.grant_type === 'urn:tollgate:params:oauth:grant-type:mfa-otp') return secondFactorGrant(body.mfa_token, { method: 'otp', code: body.otp }, input, services);
  // Until the grant registry lands: the passkey grant is counted as a login, as the password grant is.
  if (body.grant_type === 'urn:tollgate:params:oauth:grant-type:passkey') return countedLogin(() => passkeyGrant(body, input, services), services);
  if (body.grant_type === 'urn:tollgate:params:oauth:grant-type:mfa-recovery-code') {
    return secondFactorGrant(body.mfa_token, { method: 'recovery_code', code: body.recovery_code }, input, services);
  }
  // A form without grant_type is a password grant (the spec's PasswordGrantRequest; FastAPI clients send none).
  return countedLogin(() => passwordGrant(body, input, services), services);
};

/** Reports the login's outcome to the metrics: `success`, or the RFC 6749 error code the client is told. */
async function countedLogin(grant: () => Promise<TokenResult>, services: Dependencies): Promise<TokenResult> {
  try {
    const result = await grant();
    services.metrics.loginFinished('success');
    return result;
  } catch (error) {
    // Anything but our own errors (a database failure) is answered as temporarily_unavailable or server_error.
    services.metrics.loginFinished(error instanceof OAuthError ? error.error : 'error');
    throw error;
  }
}

async function secondFactorGrant(mfaToken: string, step: SecondStep, input: OperationInput<'issueToken'>, services: Dependencies): Promise<TokenResult> {
  refuseForeignOrigin(services.config, input.origin);
  const login = await completeMfaLogin(services, mfaToken, step, input.clientIp);
  if (login.outcome === 'throttled') throw loginThrottled(login.retryAfter);
  if (login.outcome === 'invalid') throw invalidMfaLogin();
  const started = await startRefreshFamily(services, login.user, login.scopes, loginContext(input, login.amr));
  if (started === undefined) throw invalidCredentials();
  return tokenResponse(services, login.user, login.scopes, started.refreshToken, { sid: started.sessionId, amr: login.amr });
}

async function passwordGrant(body: PasswordGrant, input: OperationInput<'issueToken'>, services: Dependencies): Promise<TokenResult> {
  // In cookie mode this refuses a foreign Origin before any password is checked (login CSRF).
  refuseForeignOrigin(services.config, input.origin);
  const login = await authenticatePassword(services, body.username, body.password, input.clientIp);
  if (login.outcome === 'throttled') throw loginThrottled(login.retryAfter);
  if (login.outcome === 'invalid_credentials') throw invalidCredentials();
  if (login.outcome === 'email_not_verified') throw emailNotVerified();
  const { user } = login;

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
}

async function refreshGrant(body: RefreshGrant, input: OperationInput<'issueToken'>, services: Dependencies): Promise<TokenResult> {
  const presented = presentedRefreshToken(services.config, body.refresh_token, input);
  if (presented.outcome === 'missing') throw missingParameter('refresh_token');
  if (presented.outcome === 'ambiguous') throw invalidRefreshToken();
  const result = await refreshSession(services, presented.token, body.scope);
  if (result.outcome === 'reused') services.metrics.refreshReuseDetected();
  if (result.outcome === 'invalid_scope') throw scopeNotAllowed(result.refused);
  if (result.outcome !== 'issued') throw invalidRefreshToken();
  return tokenResponse(services, result.user, result.scopes, result.refreshToken, await refreshedSession(services, result.user.id, result.sessionId));
}

async function tokenResponse(services: Dependencies, user: UserRow, scopes: readonly string[], refreshToken: string, session: TokenSession): Promise<TokenResult> {
  const { config, tokens } = services;
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...(config.refreshCookie && setRefreshCookie(config, refreshToken)) },
    body: {
      access_token: await tokens.issue(user, scopes, session),
      token_type: 'bearer',
      expires_in: tokens.ttlSeconds,
      // In cookie mode the refresh token stays out of reach of page scripts: cookie only.
      ...(!config.refreshCookie && { refresh_token: refreshToken }),
      scope: scopes.join(' '),
    },
  };
}
