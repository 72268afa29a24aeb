import type { Dependencies } from '../dependencies';
import { OAuthError } from '../http/errors';
import type { OperationHandler } from '../http/openapi/operation-types';
import type { GrantRequest, GrantType, TokenInput, TokenResult } from './grants/grant';
import { GRANTS, IMPLIED_GRANT } from './grants';

/**
 * RFC 6749 token endpoint: the form's `grant_type` picks its grant in the registry (handlers/grants/).
 * The request was validated against the spec's `oneOf` before this runs, so the body is the
 * branch of its `grant_type`; a form without one is the implied (password) grant.
 */
export const issueToken: OperationHandler<'issueToken'> = async (input, services) => {
  return runGrant(input.body.grant_type ?? IMPLIED_GRANT, input.body, input, services);
};

async function runGrant<G extends GrantType>(
  grantType: G,
  body: GrantRequest<G>,
  input: TokenInput,
  services: Dependencies,
): Promise<TokenResult> {
  const grant = GRANTS[grantType];
  if (grant.metric === 'none') return grant.handle(body, input, services);
  // The label is the grant type's last segment (`password`, `passkey`): short, and few values.
  const label = grantType.split(':').pop() ?? grantType;
  try {
    const result = await grant.handle(body, input, services);
    services.metrics.loginFinished(label, 'success');
    return result;
  } catch (error) {
    // Reports the RFC 6749 error code the client is told; anything but our own errors (a database
    // failure, answered as temporarily_unavailable or server_error) counts as `error`.
    services.metrics.loginFinished(label, error instanceof OAuthError ? error.error : 'error');
    throw error;
  }
}
