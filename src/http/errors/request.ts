// The request itself: routing, media types, bodies, Node's parser, the token request's form, the database being away, and the unexpected.
// Every named error is built in one of these files (see index.ts): services return outcomes, never these.
import { ApiError, OAuthError, notFound, retryAfter, validationFailed } from './problem';

export const methodNotAllowed = (method: string, allowed: readonly string[]): ApiError =>
  new ApiError(405, 'method_not_allowed', `${method.toUpperCase()} is not allowed here; use ${allowed.join(', ')}.`, {
    headers: { Allow: allowed.join(', ') },
  });

/** A body sent in a media type the operation does not declare (the token endpoints answer in RFC 6749 terms). */
export const undeclaredMediaType = (declared: readonly string[], oauth: boolean): ApiError | OAuthError =>
  oauth
    ? new OAuthError('invalid_request', `The token request must be sent as ${declared.join(', ')}.`)
    : new ApiError(415, 'unsupported_media_type', `Send the body as ${declared.join(', ')}.`);

/** Seconds a client should wait after the database failed to answer: a restart or failover takes a few. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const DATABASE_UNAVAILABLE = 'The database is unavailable. Try again later.';

export const databaseUnavailable = (): ApiError =>
  new ApiError(503, 'database_unavailable', DATABASE_UNAVAILABLE, {
    headers: retryAfter(DATABASE_RETRY_AFTER_SECONDS),
  });

export const oauthDatabaseUnavailable = (): OAuthError =>
  new OAuthError('temporarily_unavailable', DATABASE_UNAVAILABLE, 503, retryAfter(DATABASE_RETRY_AFTER_SECONDS));

/** RFC 6749 §3.1: a form parameter the operation defines, sent more than once; named, so the client can find it. */
export const repeatedParameter = (name: string, oauth: boolean): ApiError | OAuthError =>
  oauth
    ? new OAuthError('invalid_request', `${name} was sent more than once.`)
    : validationFailed([{ location: 'body', field: name, message: 'was sent more than once' }]);

export const routeNotFound = (method: string, path: string): ApiError =>
  notFound(`No route for ${method.toUpperCase()} ${path}.`);

/** What Node's HTTP parser refused before the app saw a request (http/server/client-errors.ts). */
export const headersTooLarge = (): ApiError =>
  new ApiError(431, 'headers_too_large', 'The request line and headers must not exceed 16 KB.');

export const requestTimeout = (): ApiError =>
  new ApiError(408, 'request_timeout', 'The request did not arrive in time.');

export const chunkExtensionsTooLarge = (): ApiError =>
  new ApiError(413, 'payload_too_large', 'The chunk extensions of the request body are too large.');

export const malformedRequest = (): ApiError =>
  new ApiError(400, 'malformed_request', 'The request is not valid HTTP/1.1.');

/** The body reader's refusals (its HTTP errors, translated by the error renderer). */
export const bodyTooLarge = (oauth: boolean): ApiError | OAuthError =>
  oauth
    ? new OAuthError('invalid_request', 'Request body is too large.', 413)
    : new ApiError(413, 'payload_too_large', 'The request body must not exceed 100 KB.');

export const unreadableTokenRequest = (): OAuthError =>
  new OAuthError('invalid_request', 'The request body could not be read.');

export const unsupportedBodyEncoding = (): ApiError =>
  new ApiError(415, 'unsupported_media_type', 'The request body uses an unsupported charset or encoding.');

export const malformedBody = (): ApiError =>
  new ApiError(400, 'malformed_body', 'The request body is not valid JSON or form data.');

/** Anything that is not one of our errors: the details go to the log, the request id to the client. */
export const internalError = (): ApiError => new ApiError(500, 'internal_error', 'An unexpected error occurred.');

export const oauthServerError = (requestId: string): OAuthError =>
  new OAuthError('server_error', `Unexpected error (request id ${requestId}).`, 500);

/** A token request that fails the contract (http/openapi/validation-errors.ts). */
export const grantTypeNotText = (): OAuthError =>
  new OAuthError('invalid_request', 'grant_type must be sent once, as text.');

export const unsupportedGrantType = (grantType: string): OAuthError =>
  new OAuthError('unsupported_grant_type', `Grant type "${grantType.slice(0, 40)}" is not supported.`);

export const invalidTokenRequest = (detail: string): OAuthError => new OAuthError('invalid_request', detail);
