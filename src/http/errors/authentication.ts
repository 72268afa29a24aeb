// Who is asking: bearer tokens and scopes (RFC 6750), the token endpoint's refusals (RFC 6749 §5.2), the metrics token.
// Every named error is built in one of these files (see index.ts): services return outcomes, never these.
import { ApiError, OAuthError, retryAfter } from './problem';

const REALM = 'realm="tollgate"';

/** RFC 6750 §3: no credentials → a bare challenge; a bad token → invalid_token; too little scope → 403. */
export const missingToken = (): ApiError =>
  new ApiError(401, 'missing_token', 'This operation needs a bearer access token.', {
    headers: { 'WWW-Authenticate': `Bearer ${REALM}` },
  });

export const invalidToken = (): ApiError =>
  new ApiError(401, 'invalid_token', 'The access token is invalid or expired.', {
    headers: {
      'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="The access token is invalid or expired."`,
    },
  });

export const insufficientScope = (required: readonly string[]): ApiError =>
  new ApiError(403, 'insufficient_scope', `This operation needs the scope: ${required.join(' ')}.`, {
    headers: { 'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${required.join(' ')}"` },
  });

/** A client's own token (client credentials) where the operation acts for a user: no user to act for. */
export const userRequired = (): ApiError =>
  new ApiError(403, 'user_required', "This operation acts for a user; a client's own token cannot call it.");

const METRICS_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="metrics"' };

export const missingMetricsToken = (): ApiError =>
  new ApiError(401, 'missing_token', 'GET /metrics needs the METRICS_TOKEN as a bearer token.', {
    headers: METRICS_CHALLENGE,
  });

export const wrongMetricsToken = (): ApiError =>
  new ApiError(401, 'invalid_token', 'The metrics token is wrong.', { headers: METRICS_CHALLENGE });

// One answer for wrong password, unknown user and inactive user: nothing to tell them apart.
export const invalidCredentials = (): OAuthError => new OAuthError('invalid_grant', 'Invalid username or password.');

// One answer for every unusable refresh token, reused ones included: a thief learns nothing.
export const invalidRefreshToken = (): OAuthError =>
  new OAuthError('invalid_grant', 'The refresh token is invalid or expired.');

export const scopeNotAllowed = (refused: readonly string[]): OAuthError =>
  new OAuthError('invalid_scope', `Scope not allowed: ${refused.join(' ')}.`);

export const missingParameter = (name: string): OAuthError =>
  new OAuthError('invalid_request', `Missing parameter: ${name}.`);

export const crossSiteRefresh = (): OAuthError =>
  new OAuthError('invalid_request', 'The request origin is not allowed to use the refresh cookie.');

/** The same answer whichever limit was hit and whatever the password: a lockout reveals nothing. */
export const loginThrottled = (retryAfterSeconds: number): OAuthError =>
  new OAuthError(
    'temporarily_unavailable',
    'Too many failed login attempts. Try again later.',
    429,
    retryAfter(retryAfterSeconds),
  );

/** Only after the right password: a client can say "check your inbox"; a wrong password says nothing more. */
export const emailNotVerified = (): OAuthError =>
  new OAuthError(
    'invalid_grant',
    'Verify your email address first; check your inbox.',
    400,
    {},
    { error_code: 'email_not_verified' },
  );

/** MFA_REQUIRED_FOR_ADMIN refused: RFC 9470's step-up challenge asks for a stronger login, not another scope. */
export const insufficientAuthentication = (): ApiError =>
  new ApiError(
    403,
    'insufficient_authentication',
    'Administration needs a login with a second factor; log in again with your authenticator code.',
    {
      headers: {
        'WWW-Authenticate':
          'Bearer realm="tollgate", error="insufficient_user_authentication", error_description="A login with a second factor is required."',
      },
    },
  );
