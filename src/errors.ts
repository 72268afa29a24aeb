import type { components } from '../generated/api';

export type ProblemCode = components['schemas']['ProblemCode'];
export type FieldError = NonNullable<components['schemas']['Problem']['errors']>[number];
export type OAuthErrorCode = components['schemas']['OAuthError']['error'];
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
  too_many_requests: 'Too many requests',
  invalid_mail_token: 'Invalid or expired link',
  internal_error: 'Internal server error',
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
    /** A finer reason a client can act on (`email_not_verified`: "check your inbox"). */
    readonly errorCode?: OAuthErrorDetail,
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

/** One answer for unknown, expired and used tokens: which of the three it was helps nobody but a guesser. */
export const invalidMailToken = (): ApiError => new ApiError(400, 'invalid_mail_token', 'This link is invalid, expired or already used. Ask for a new one.');

export const mailRequestsThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many mail requests. Try again later.', { headers: retryAfter(retryAfterSeconds) });
