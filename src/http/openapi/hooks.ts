import type { Context, OpenAPIBackend } from 'openapi-backend';
import { SECURITY_SCHEME, firstHeaderValue } from './bearer';
import { methodNotAllowed, routeNotFound, undeclaredMediaType, validationFailed } from '../errors';
import { formSchemaOf } from '../middleware/form-reader';
import { OAUTH_OPERATIONS } from './operation-types';
import { grantTypesOf, toFieldErrors, toOAuthRequestError } from './validation-errors';

/**
 * openapi-backend's hooks: each refusal it detects (no route, wrong method, no or bad token, an
 * invalid request) is thrown as our own error, for the error renderer to answer.
 */
export function registerFrameworkHooks(
  backend: OpenAPIBackend,
  allowedMethods: (path: string) => string[],
  requireCanonicalIntegers: (c: Context) => void,
): void {
  backend.register({
    notFound: (c: Context) => {
      throw routeNotFound(c.request.method, c.request.path);
    },
    methodNotAllowed: (c: Context) => {
      throw methodNotAllowed(c.request.method, allowedMethods(c.request.path));
    },
    // Security runs before validation in openapi-backend; a rejected request stops here and never reaches a handler.
    unauthorizedHandler: (c: Context) => {
      const result = c.security[SECURITY_SCHEME] as { error?: unknown } | undefined;
      throw result?.error ?? new Error('security handler rejected the request without an error');
    },
    postSecurityHandler: (c: Context) => {
      if (c.security.authorized || !c.operation.security?.length) {
        requireDeclaredContentType(c);
        requireCanonicalIntegers(c);
      }
    },
    validationFail: (c: Context) => {
      const errors = c.validation.errors ?? [];
      if (!OAUTH_OPERATIONS.has(c.operation.operationId ?? '')) throw validationFailed(toFieldErrors(errors));
      throw toOAuthRequestError(c.request.requestBody, errors, grantTypesOf(formSchemaOf(c.operation)));
    },
  });
}

/**
 * An operation without parameters or a request body has one thing to check: that the query string
 * is empty (its validator refuses unknown query keys and accepts any header or cookie). Without a
 * query string that validator always passes, and skipping it saves a tenth of such a request's work.
 */
export function hasSomethingToValidate(c: Context): boolean {
  const { parameters, requestBody } = c.operation;
  return requestBody !== undefined || (parameters?.length ?? 0) > 0 || Object.keys(c.request.query ?? {}).length > 0;
}

function requireDeclaredContentType(c: Context): void {
  const body = c.operation.requestBody && 'content' in c.operation.requestBody ? c.operation.requestBody : undefined;
  const declared = Object.keys(body?.content ?? {});
  if (declared.length === 0) return;
  const header = c.request.headers['content-type'];
  // An optional body (POST /users/me/mfa/totp) may be left out: then there is no media type to judge.
  if (body?.required !== true && header === undefined && !sendsBody(c.request.headers)) return;
  const sent = (firstHeaderValue(header) ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared.includes(sent)) return;
  throw undeclaredMediaType(declared, OAUTH_OPERATIONS.has(c.operation.operationId ?? ''));
}

function sendsBody(headers: Context['request']['headers']): boolean {
  const length = firstHeaderValue(headers['content-length']);
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}
