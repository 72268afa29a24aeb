import type { ErrorObject } from 'ajv';
import { OAuthError, type FieldError } from '../errors';

const LOCATIONS: Record<string, FieldError['location']> = { requestBody: 'body', query: 'query', path: 'path', header: 'header' };

/** Turns openapi-backend's ajv errors into the `errors` member of a 400 problem: one entry per offending field. */
export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  return errors.map((error) => {
    const [root = '', ...rest] = error.instancePath.split('/').filter((s) => s.length > 0);
    const location = LOCATIONS[root] ?? 'body';
    const params = error.params as Record<string, unknown>;
    const extra = params.missingProperty ?? params.additionalProperty;
    const field = [...rest, ...(typeof extra === 'string' ? [extra] : [])].join('.');
    const message = error.keyword === 'additionalProperties' ? 'is not a known field' : error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
    return { location, ...(field && { field }), message: message.slice(0, 500) };
  });
}

/** RFC 6749 §5.2 for a token request that fails the contract: the grant type decides the error code. */
export function toTokenRequestError(body: unknown, errors: readonly FieldError[]): OAuthError {
  const grantType = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).grant_type : undefined;
  if (typeof grantType === 'string' && grantType !== 'password') {
    return new OAuthError('unsupported_grant_type', `Grant type "${grantType.slice(0, 40)}" is not supported.`);
  }
  const missing = errors.filter((e) => e.message === 'is required').map((e) => e.field);
  if (missing.length > 0) return new OAuthError('invalid_request', `Missing parameter: ${missing.join(', ')}.`);
  return new OAuthError('invalid_request', errors.map((e) => `${e.field ?? 'body'} ${e.message}`).join('; ').slice(0, 500));
}
