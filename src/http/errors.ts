import type { components } from '../../generated/api';

export type ProblemCode = components['schemas']['ProblemCode'];
export type FieldError = NonNullable<components['schemas']['Problem']['errors']>[number];
export type OAuthErrorCode = components['schemas']['OAuthError']['error'];
/** A finer reason a client can act on (`email_not_verified`: "check your inbox"). */
export type OAuthErrorDetail = NonNullable<components['schemas']['OAuthError']['error_code']>;

const TITLES: Record<ProblemCode, string> = {
  validation_failed: 'Request validation failed',
  malformed_body: 'Malformed request body',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'Payload too large',
  malformed_request: 'Malformed request',
  headers_too_large: 'Request headers too large',
  request_timeout: 'Request timeout',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  missing_token: 'Authentication required',
  invalid_token: 'Invalid access token',
  insufficient_scope: 'Insufficient scope',
  user_exists: 'User already exists',
  wrong_password: 'Wrong password',
  self_lockout: 'Cannot lock yourself out',
  insufficient_authentication: 'Second factor required',
  mfa_already_enabled: 'Second factor already enabled',
  mfa_not_enabled: 'No second factor',
  invalid_otp: 'Wrong code',
  mfa_unavailable: 'Second factor unavailable',
  too_many_requests: 'Too many requests',
  invalid_mail_token: 'Invalid or expired link',
  internal_error: 'Internal server error',
  database_unavailable: 'Database unavailable',
  reauthentication_required: 'Password required',
  invalid_credentials: 'Wrong password',
  password_too_common: 'Password too common',
  passkey_challenge_invalid: 'Invalid passkey challenge',
  passkey_origin_mismatch: 'Wrong passkey origin',
  passkey_rp_id_mismatch: 'Wrong relying party',
  passkey_user_verification_missing: 'User verification missing',
  passkey_already_registered: 'Passkey already registered',
  passkey_invalid: 'Invalid passkey response',
  passkey_limit_reached: 'Too many passkeys',
};

/** An error meant for the client, rendered as RFC 9457 problem details by the error middleware. */
export class ApiError extends Error {
  readonly title: string;

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.title = TITLES[code];
  }
}

/** An RFC 6749 §5.2 error from the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
    /** Members beyond error and error_description (the `mfa_token` of `mfa_required`). */
    readonly extraMembers: { mfa_token?: string; error_code?: OAuthErrorDetail } = {},
  ) {
    super(description);
  }
}

// Every named error the API answers with is made here, so a reader finds each status, code and
// wording in one file; services never make them (they return outcomes, see src/services/).

export const validationFailed = (errors: FieldError[]): ApiError =>
  new ApiError(400, 'validation_failed', 'The request does not match the API contract.', { errors });

export const notFound = (detail: string): ApiError => new ApiError(404, 'not_found', detail);

export const conflict = (code: 'user_exists' | 'self_lockout', detail: string): ApiError => new ApiError(409, code, detail);

export const userExists = (): ApiError => conflict('user_exists', 'A user with this username or email already exists.');

export const wrongPassword = (): ApiError =>
  new ApiError(400, 'wrong_password', 'The current password is not correct.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }],
  });

/** NIST SP 800-63B §3.1.1.2; the password itself is never echoed back. */
export const passwordTooCommon = (field: 'password' | 'new_password'): ApiError =>
  new ApiError(400, 'password_too_common', 'This password is on a list of commonly used passwords; choose another.', {
    errors: [{ location: 'body', field, message: 'is on a list of commonly used passwords' }],
  });

export const methodNotAllowed = (method: string, allowed: readonly string[]): ApiError =>
  new ApiError(405, 'method_not_allowed', `${method.toUpperCase()} is not allowed here; use ${allowed.join(', ')}.`, { headers: { Allow: allowed.join(', ') } });

/** A body sent in a media type the operation does not declare (the token endpoints answer in RFC 6749 terms). */
export const undeclaredMediaType = (declared: readonly string[], oauth: boolean): ApiError | OAuthError =>
  oauth
    ? new OAuthError('invalid_request', `The token request must be sent as ${declared.join(', ')}.`)
    : new ApiError(415, 'unsupported_media_type', `Send the body as ${declared.join(', ')}.`);

const REALM = 'realm="tollgate"';

/** RFC 6750 §3: no credentials → a bare challenge; a bad token → invalid_token; too little scope → 403. */
export const missingToken = (): ApiError =>
  new ApiError(401, 'missing_token', 'This operation needs a bearer access token.', { headers: { 'WWW-Authenticate': `Bearer ${REALM}` } });

export const invalidToken = (): ApiError =>
  new ApiError(401, 'invalid_token', 'The access token is invalid or expired.', {
    headers: { 'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="The access token is invalid or expired."` },
  });

export const insufficientScope = (required: readonly string[]): ApiError =>
  new ApiError(403, 'insufficient_scope', `This operation needs the scope: ${required.join(' ')}.`, {
    headers: { 'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${required.join(' ')}"` },
  });

const METRICS_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="metrics"' };
export const missingMetricsToken = (): ApiError =>
  new ApiError(401, 'missing_token', 'GET /metrics needs the METRICS_TOKEN as a bearer token.', { headers: METRICS_CHALLENGE });
export const wrongMetricsToken = (): ApiError => new ApiError(401, 'invalid_token', 'The metrics token is wrong.', { headers: METRICS_CHALLENGE });

// One answer for wrong password, unknown user and inactive user: nothing to tell them apart.
export const invalidCredentials = (): OAuthError => new OAuthError('invalid_grant', 'Invalid username or password.');

// One answer for every unusable refresh token, reused ones included: a thief learns nothing.
export const invalidRefreshToken = (): OAuthError => new OAuthError('invalid_grant', 'The refresh token is invalid or expired.');

export const scopeNotAllowed = (refused: readonly string[]): OAuthError => new OAuthError('invalid_scope', `Scope not allowed: ${refused.join(' ')}.`);

export const missingParameter = (name: string): OAuthError => new OAuthError('invalid_request', `Missing parameter: ${name}.`);

export const crossSiteRefresh = (): OAuthError => new OAuthError('invalid_request', 'The request origin is not allowed to use the refresh cookie.');

const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });

/** The same answer whichever limit was hit and whatever the password: a lockout reveals nothing. */
export const loginThrottled = (retryAfterSeconds: number): OAuthError =>
  new OAuthError('temporarily_unavailable', 'Too many failed login attempts. Try again later.', 429, retryAfter(retryAfterSeconds));

/** Every check of the current password (services/reauthentication.ts) shares the login limits: a wrong one is a failed login. */
export const passwordChangeThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many failed password attempts. Try again later.', { headers: retryAfter(retryAfterSeconds) });

export const registrationThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many registrations from this address. Try again later.', { headers: retryAfter(retryAfterSeconds) });

/** Seconds a client should wait after the database failed to answer: a restart or failover takes a few. */
const DATABASE_RETRY_AFTER_SECONDS = 2;
const DATABASE_UNAVAILABLE = 'The database is unavailable. Try again later.';

export const databaseUnavailable = (): ApiError =>
  new ApiError(503, 'database_unavailable', DATABASE_UNAVAILABLE, { headers: retryAfter(DATABASE_RETRY_AFTER_SECONDS) });

export const oauthDatabaseUnavailable = (): OAuthError =>
  new OAuthError('temporarily_unavailable', DATABASE_UNAVAILABLE, 503, retryAfter(DATABASE_RETRY_AFTER_SECONDS));

/** One answer for unknown, expired and used tokens: which of the three it was helps nobody but a guesser. */
export const invalidMailToken = (): ApiError => new ApiError(400, 'invalid_mail_token', 'This link is invalid, expired or already used. Ask for a new one.');

export const mailRequestsThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many mail requests. Try again later.', { headers: retryAfter(retryAfterSeconds) });

/** Only after the right password: a client can say "check your inbox"; a wrong password says nothing more. */
export const emailNotVerified = (): OAuthError =>
  new OAuthError('invalid_grant', 'Verify your email address first; check your inbox.', 400, {}, { error_code: 'email_not_verified' });

/** MFA_REQUIRED_FOR_ADMIN refused: RFC 9470's step-up challenge asks for a stronger login, not another scope. */
export const insufficientAuthentication = (): ApiError =>
  new ApiError(403, 'insufficient_authentication', 'Administration needs a login with a second factor; log in again with your authenticator code.', {
    headers: {
      'WWW-Authenticate':
        'Bearer realm="tollgate", error="insufficient_user_authentication", error_description="A login with a second factor is required."',
    },
  });

/** The right password of a user with a second factor: the mfa_token for the second step, no tokens. */
export const mfaRequired = (mfaToken: string): OAuthError =>
  new OAuthError('mfa_required', 'Multifactor authentication required.', 403, {}, { mfa_token: mfaToken });

// One answer for an unknown, expired, spent or exhausted mfa_token and for a wrong or used code.
export const invalidMfaLogin = (): OAuthError => new OAuthError('invalid_grant', 'The code or the MFA token is invalid or expired.');

export const mfaAlreadyEnabled = (): ApiError =>
  new ApiError(409, 'mfa_already_enabled', 'A TOTP authenticator is already enabled; disable it before enrolling another.');
export const mfaNotEnabled = (): ApiError => new ApiError(409, 'mfa_not_enabled', 'Two-factor authentication is not enabled.');
export const noPendingEnrolment = (): ApiError => new ApiError(409, 'mfa_not_enabled', 'There is no pending TOTP enrolment to confirm.');
export const mfaUnavailable = (): ApiError => new ApiError(503, 'mfa_unavailable', 'Two-factor enrolment is not configured on this server.');

export const wrongOtp = (): ApiError =>
  new ApiError(400, 'invalid_otp', 'The code is wrong, expired or already used.', { errors: [{ location: 'body', field: 'code', message: 'is wrong, expired or already used' }] });

export const secondFactorThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many wrong codes. Try again later.', { headers: retryAfter(retryAfterSeconds) });

// Sensitive changes (services/reauthentication.ts): the access token alone is not proof enough.
export const reauthenticationRequired = (): ApiError =>
  new ApiError(403, 'reauthentication_required', 'This change needs your current password in current_password.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is required for this change' }],
  });

export const wrongCurrentPassword = (): ApiError =>
  new ApiError(403, 'invalid_credentials', 'The current password is not correct.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }],
  });

/** RFC 6749 §3.1: a form parameter the operation defines, sent more than once; named, so the client can find it. */
export const repeatedParameter = (name: string, oauth: boolean): ApiError | OAuthError =>
  oauth
    ? new OAuthError('invalid_request', `${name} was sent more than once.`)
    : validationFailed([{ location: 'body', field: name, message: 'was sent more than once' }]);

// Built here since issue 22 (item 5), not where they were thrown: not-found answers of each
// resource, the parser's and body reader's refusals, the token request's own form errors.

export const routeNotFound = (method: string, path: string): ApiError => notFound(`No route for ${method.toUpperCase()} ${path}.`);
export const userNotFound = (): ApiError => notFound('No user with this id.');
// Another user's todo answers 404, never 403: its existence is not ours to reveal.
export const todoNotFound = (): ApiError => notFound('No todo with this id.');
export const sessionNotFound = (): ApiError => notFound('No session with this id.');
export const selfLockout = (): ApiError => conflict('self_lockout', 'Admins cannot deactivate or demote themselves; ask another admin.');

/** What Node's HTTP parser refused before the app saw a request (http/server/client-errors.ts). */
export const headersTooLarge = (): ApiError => new ApiError(431, 'headers_too_large', 'The request line and headers must not exceed 16 KB.');
export const requestTimeout = (): ApiError => new ApiError(408, 'request_timeout', 'The request did not arrive in time.');
export const chunkExtensionsTooLarge = (): ApiError => new ApiError(413, 'payload_too_large', 'The chunk extensions of the request body are too large.');
export const malformedRequest = (): ApiError => new ApiError(400, 'malformed_request', 'The request is not valid HTTP/1.1.');

/** The body reader's refusals (its HTTP errors, translated by the error renderer). */
export const bodyTooLarge = (oauth: boolean): ApiError | OAuthError =>
  oauth ? new OAuthError('invalid_request', 'Request body is too large.', 413) : new ApiError(413, 'payload_too_large', 'The request body must not exceed 100 KB.');
export const unreadableTokenRequest = (): OAuthError => new OAuthError('invalid_request', 'The request body could not be read.');
export const unsupportedBodyEncoding = (): ApiError => new ApiError(415, 'unsupported_media_type', 'The request body uses an unsupported charset or encoding.');
export const malformedBody = (): ApiError => new ApiError(400, 'malformed_body', 'The request body is not valid JSON or form data.');

/** Anything that is not one of our errors: the details go to the log, the request id to the client. */
export const internalError = (): ApiError => new ApiError(500, 'internal_error', 'An unexpected error occurred.');
export const oauthServerError = (requestId: string): OAuthError => new OAuthError('server_error', `Unexpected error (request id ${requestId}).`, 500);

/** A token request that fails the contract (http/openapi/validation-errors.ts). */
export const grantTypeNotText = (): OAuthError => new OAuthError('invalid_request', 'grant_type must be sent once, as text.');
export const unsupportedGrantType = (grantType: string): OAuthError => new OAuthError('unsupported_grant_type', `Grant type "${grantType.slice(0, 40)}" is not supported.`);
export const invalidTokenRequest = (detail: string): OAuthError => new OAuthError('invalid_request', detail);

type ProblemBody = components['schemas']['Problem'];
type OAuthErrorBody = components['schemas']['OAuthError'];

/**
 * The one serialisation of problem details (RFC 9457), for the error renderer and for the answers
 * written on the raw socket before Koa runs. `requestId` is sent with a 500 only.
 */
export function problemBody(problem: ApiError, requestId?: string): ProblemBody {
  return {
    type: `urn:tollgate:problem:${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.extras.errors && { errors: problem.extras.errors }),
    ...(requestId !== undefined && { request_id: requestId }),
  };
}

/** The one serialisation of an RFC 6749 §5.2 error. */
export function oauthErrorBody(error: OAuthError): OAuthErrorBody {
  return { error: error.error, error_description: error.description, ...error.extraMembers };
}

export type PasskeyRefusalCode = Extract<ProblemCode, `passkey_${string}`>;

const PASSKEY_REFUSALS: Record<Exclude<PasskeyRefusalCode, 'passkey_limit_reached'>, string> = {
  passkey_challenge_invalid: 'The challenge is unknown, expired or already used; start again.',
  passkey_origin_mismatch: 'The passkey was created on an origin this server does not accept.',
  passkey_rp_id_mismatch: 'The passkey was created for another relying party ID.',
  passkey_user_verification_missing: 'The authenticator did not verify the user (PIN or biometrics).',
  passkey_already_registered: 'This passkey is registered already.',
  passkey_invalid: 'The passkey response could not be verified.',
};

/** A registration the server refused, with the reason a client (or its developer) can act on. */
export const passkeyRefused = (code: Exclude<PasskeyRefusalCode, 'passkey_limit_reached'>): ApiError => new ApiError(400, code, PASSKEY_REFUSALS[code]);

export const passkeyLimitReached = (max: number): ApiError => new ApiError(409, 'passkey_limit_reached', `An account has at most ${max} passkeys; remove one first.`);

// One answer for every failed passkey sign-in: unknown credential, bad signature, wrong origin, spent challenge, deactivated user.
export const invalidPasskeyLogin = (): OAuthError => new OAuthError('invalid_grant', 'The passkey sign-in is invalid or expired.');
