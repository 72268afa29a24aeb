import type { components } from '../generated/api';

export type ProblemCode = components['schemas']['ProblemCode'];
export type FieldError = NonNullable<components['schemas']['Problem']['errors']>[number];
export type OAuthErrorCode = components['schemas']['OAuthError']['error'];

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
  internal_error: 'Internal server error',
  database_unavailable: 'Database unavailable',
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
    readonly extraMembers: { mfa_token?: string } = {},
  ) {
    super(description);
  }
}

export const validationFailed = (errors: FieldError[]): ApiError =>
  new ApiError(400, 'validation_failed', 'The request does not match the API contract.', { errors });

export const notFound = (detail: string): ApiError => new ApiError(404, 'not_found', detail);

export const conflict = (code: 'user_exists' | 'self_lockout', detail: string): ApiError => new ApiError(409, code, detail);

const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });

/** The same answer whichever limit was hit and whatever the password: a lockout reveals nothing. */
export const loginThrottled = (retryAfterSeconds: number): OAuthError =>
  new OAuthError('temporarily_unavailable', 'Too many failed login attempts. Try again later.', 429, retryAfter(retryAfterSeconds));

/** PUT /users/me/password shares the login limits: a wrong current password is a failed login. */
export const passwordChangeThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many failed password attempts. Try again later.', { headers: retryAfter(retryAfterSeconds) });

export const registrationThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many registrations from this address. Try again later.', { headers: retryAfter(retryAfterSeconds) });

export const emailChangeThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many email changes or registrations. Try again later.', { headers: retryAfter(retryAfterSeconds) });
/** Seconds a client should wait after the database failed to answer: a restart or failover takes a few. */
const DATABASE_RETRY_AFTER_SECONDS = 2;
const DATABASE_UNAVAILABLE = 'The database is unavailable. Try again later.';

export const databaseUnavailable = (): ApiError =>
  new ApiError(503, 'database_unavailable', DATABASE_UNAVAILABLE, { headers: retryAfter(DATABASE_RETRY_AFTER_SECONDS) });

export const oauthDatabaseUnavailable = (): OAuthError =>
  new OAuthError('temporarily_unavailable', DATABASE_UNAVAILABLE, 503, retryAfter(DATABASE_RETRY_AFTER_SECONDS));
