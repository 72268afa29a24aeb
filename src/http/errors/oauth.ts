// The authorization server (docs/oauth.md): clients, authorization requests, codes, client authentication.
import { ApiError, OAuthError, notFound, validationFailed } from './problem';

export const invalidAuthorizationRequest = (detail: string): ApiError =>
  new ApiError(400, 'invalid_authorization_request', detail);
export const loginRequired = (): ApiError =>
  new ApiError(401, 'login_required', 'This authorization request needs a fresh sign-in.', {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
export const clientNotFound = (): ApiError => notFound('No client with this client_id.');
export const authorizationNotFound = (): ApiError =>
  notFound('This authorization request is unknown, expired or already used.');
export const invalidClientSettings = (problems: ReadonlyArray<{ field: string; message: string }>): ApiError =>
  validationFailed(problems.map((p) => ({ location: 'body', ...p })));
/** RFC 6749 §5.2: 401 for a failed client authentication, with the Basic challenge when the client used Basic. */
export const invalidClient = (basic: boolean): OAuthError =>
  new OAuthError(
    'invalid_client',
    'Client authentication failed.',
    401,
    basic ? { 'WWW-Authenticate': 'Basic realm="tollgate"' } : {},
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
