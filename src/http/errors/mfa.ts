// The second factor: the mfa_token step at /token, enrolment and the limits on codes.
// Every named error is built in one of these files (see index.ts): services return outcomes, never these.
import { ApiError, OAuthError, retryAfter } from './problem';

/** The right password of a user with a second factor: the mfa_token for the second step, no tokens. */
export const mfaRequired = (mfaToken: string): OAuthError =>
  new OAuthError('mfa_required', 'Multifactor authentication required.', 403, {}, { mfa_token: mfaToken });

// One answer for an unknown, expired, spent or exhausted mfa_token and for a wrong or used code.
export const invalidMfaLogin = (): OAuthError =>
  new OAuthError('invalid_grant', 'The code or the MFA token is invalid or expired.');

export const mfaAlreadyEnabled = (): ApiError =>
  new ApiError(
    409,
    'mfa_already_enabled',
    'A TOTP authenticator is already enabled; disable it before enrolling another.',
  );

export const mfaNotEnabled = (): ApiError =>
  new ApiError(409, 'mfa_not_enabled', 'Two-factor authentication is not enabled.');

export const noPendingEnrolment = (): ApiError =>
  new ApiError(409, 'mfa_not_enabled', 'There is no pending TOTP enrolment to confirm.');

export const mfaUnavailable = (): ApiError =>
  new ApiError(503, 'mfa_unavailable', 'Two-factor enrolment is not configured on this server.');

export const wrongOtp = (): ApiError =>
  new ApiError(400, 'invalid_otp', 'The code is wrong, expired or already used.', {
    errors: [{ location: 'body', field: 'code', message: 'is wrong, expired or already used' }],
  });

export const secondFactorThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many wrong codes. Try again later.', {
    headers: retryAfter(retryAfterSeconds),
  });
