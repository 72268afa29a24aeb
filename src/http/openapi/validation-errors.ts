import type { ErrorObject } from 'ajv';
import { grantTypeNotText, invalidTokenRequest, missingParameter, unsupportedGrantType, type FieldError, type OAuthError } from '../errors';

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

type Schema = { oneOf?: Schema[]; required?: string[]; properties?: Record<string, { const?: unknown }> };

/** The grant types of a token request schema, in the order of its `oneOf` branches, and the one a form without `grant_type` means. */
export interface GrantTypes {
  readonly names: readonly string[];
  readonly implied: string | undefined;
}

export function grantTypesOf(requestBodySchema: unknown): GrantTypes {
  const branches = (requestBodySchema as Schema | undefined)?.oneOf ?? [];
  const names = branches.map((branch) => String(branch.properties?.grant_type?.const));
  // The spec marks the implied grant by not requiring `grant_type` in its branch.
  const implied = branches.findIndex((branch) => !(branch.required ?? []).includes('grant_type'));
  return { names, implied: implied < 0 ? undefined : names[implied] };
}

/**
 * RFC 6749 §5.2 for a request to an OAuth endpoint that fails the contract. For the token endpoint
 * the grant type decides: an unknown one is `unsupported_grant_type`, and only the errors of the
 * `oneOf` branch of the named grant describe what is wrong (the others fail by definition).
 */
export function toOAuthRequestError(body: unknown, errors: readonly ErrorObject[], grantTypes: GrantTypes): OAuthError {
  const sent = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).grant_type : undefined;
  const grantType = sent ?? grantTypes.implied;
  let relevant = errors.filter((e) => e.keyword !== 'oneOf');
  if (grantTypes.names.length > 0) {
    if (grantType === undefined) return missingParameter('grant_type');
    if (typeof grantType !== 'string') return grantTypeNotText();
    const branch = grantTypes.names.indexOf(grantType);
    if (branch < 0) return unsupportedGrantType(grantType);
    relevant = relevant.filter((e) => !/\/oneOf\/\d+\//.test(e.schemaPath) || e.schemaPath.includes(`/oneOf/${branch}/`));
  }
  const fieldErrors = toFieldErrors(relevant);
  const missing = fieldErrors.filter((e) => e.message === 'is required').map((e) => e.field);
  if (missing.length > 0) return missingParameter(missing.join(', '));
  return invalidTokenRequest(fieldErrors.map((e) => `${e.field ?? 'body'} ${e.message}`).join('; ').slice(0, 500) || 'The request is malformed.');
}
