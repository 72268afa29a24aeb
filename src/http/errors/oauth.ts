// The authorization server (docs/oauth.md): clients, authorization requests, codes, client authentication.
import { ApiError, OAuthError, notFound, retryAfter, validationFailed } from './problem';

export const invalidAuthorizationRequest = (detail: string): ApiError =>
  new ApiError(400, 'invalid_authorization_request', detail);
export const loginRequired = (): ApiError =>
  new ApiError(401, 'login_required', 'This authorization request needs a fresh sign-in.', {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
export const clientNotFound = (): ApiError => notFound('No client with this client_id.');
export const publicClient = (): ApiError => new ApiError(409, 'public_client', 'A public client has no secret.');
export const authorizationNotFound = (): ApiError =>
  notFound('This authorization request is unknown, expired or already used.');
export const invalidClientSettings = (problems: ReadonlyArray<{ field: string; message: string }>): ApiError =>
  validationFailed(problems.map((p) => ({ location: 'body', ...p })));
/**
 * RFC 6749 §5.2: 401 for a failed client authentication. The Basic challenge goes with every one,
 * not only when the client used Basic: it tells a client how to authenticate (RFC 9110 §15.5.2).
 */
export const invalidClient = (): OAuthError =>
  new OAuthError('invalid_client', 'Client authentication failed.', 401, {
    'WWW-Authenticate': 'Basic realm="tollgate"',
  });
/** Too many failed authentications of this client from this IP: the secret was not compared (CLIENT_AUTH_MAX_FAILURES). */
export const clientAuthenticationThrottled = (retryAfterSeconds: number): OAuthError =>
  new OAuthError(
    'temporarily_unavailable',
    'Too many failed client authentications. Try again later.',
    429,
    retryAfter(retryAfterSeconds),
  );
export const unauthorizedClient = (grant: string): OAuthError =>
  new OAuthError('unauthorized_client', `This client may not use the ${grant} grant.`);
/** RFC 7009 §2.1: a registered client may revoke only the tokens issued to it. */
export const tokenOfAnotherClient = (): OAuthError =>
  new OAuthError('unauthorized_client', 'This token was not issued to this client.');
export const invalidAuthorizationCode = (): OAuthError =>
  new OAuthError(
    'invalid_grant',
    'The authorization code is invalid, expired or used, or does not match the code_verifier or redirect_uri.',
  );
export const openidUnavailable = (): OAuthError => new OAuthError('invalid_scope', 'Scope not allowed: openid.');
