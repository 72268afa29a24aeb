import type { components } from '../../../generated/api';

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
  user_required: 'User required',
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
  invalid_authorization_request: 'Invalid authorization request',
  login_required: 'Sign-in required',
  passkey_challenge_invalid: 'Invalid passkey challenge',
  passkey_origin_mismatch: 'Wrong passkey origin',
  passkey_rp_id_mismatch: 'Wrong relying party',
  passkey_user_verification_missing: 'User verification missing',
  passkey_already_registered: 'Passkey already registered',
  passkey_invalid: 'Invalid passkey response',
  passkey_limit_reached: 'Too many passkeys',
  public_client: 'Public client',
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

export const validationFailed = (errors: FieldError[]): ApiError =>
  new ApiError(400, 'validation_failed', 'The request does not match the API contract.', { errors });

export const notFound = (detail: string): ApiError => new ApiError(404, 'not_found', detail);

export const conflict = (code: 'user_exists' | 'self_lockout', detail: string): ApiError =>
  new ApiError(409, code, detail);

export const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });

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
