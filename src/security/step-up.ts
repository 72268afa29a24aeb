import { ApiError } from '../http/errors';

/**
 * MFA_REQUIRED_FOR_ADMIN: administration needs a login that used a second factor (RFC 8176 `mfa`
 * in the token's `amr`). Refused with RFC 9470's step-up challenge, which tells a client to log in
 * again with a stronger method rather than to ask for another scope.
 */
export function secondFactorMissing(requiredScopes: readonly string[], amr: readonly string[]): boolean {
  return requiredScopes.includes('users:admin') && !amr.includes('mfa');
}

export const insufficientAuthentication = (): ApiError =>
  new ApiError(403, 'insufficient_authentication', 'Administration needs a login with a second factor; log in again with your authenticator code.', {
    headers: {
      'WWW-Authenticate':
        'Bearer realm="tollgate", error="insufficient_user_authentication", error_description="A login with a second factor is required."',
    },
  });
