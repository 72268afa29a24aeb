import type { OAuthClientRow } from '../db/oauth-schema';
import { invalidClient, missingParameter, tokenOfAnotherClient } from '../http/errors';
import { unhandledOutcome, type OperationHandler, type OperationInput } from '../http/openapi/operation-types';
import { clearRefreshCookie, presentedRefreshToken } from '../http/refresh-cookie';
import type { Dependencies } from '../dependencies';
import { revokeRefreshFamily } from '../services/revocation';
import { optionalClient } from './grants/client-authentication';

/**
 * RFC 7009. Any token is looked up as a refresh token: an access token or a stranger's garbage
 * simply matches nothing, and §2.2 wants 200 for those too, so probing reveals nothing.
 */
export const revokeToken: OperationHandler<'revokeToken'> = async (input, services) => {
  const presented = presentedRefreshToken(services.config, input.body.token, input);
  switch (presented.outcome) {
    case 'token':
      await revoke(input, services, presented.token);
      break;
    case 'ambiguous':
      // Two refresh cookies: neither is trusted, so nothing is revoked; the 200 still clears ours.
      break;
    case 'missing':
      throw missingParameter('token');
    default:
      return unhandledOutcome(presented);
  }
  return {
    status: 200,
    body: undefined,
    headers: { 'Cache-Control': 'no-store', ...clearRefreshCookie(services.config) },
  };
};

/**
 * §2.1: the client's credentials are checked first (a wrong secret is 401 whatever the token), then
 * whether the token was issued to it. A client's token is revoked only by that client, so a copy
 * in other hands (a log, a proxy) cannot end its session; without a client named, the request is
 * told to authenticate. A first-party token (issued to no client) is revoked without one, as before.
 */
async function revoke(input: OperationInput<'revokeToken'>, services: Dependencies, token: string): Promise<void> {
  const client: OAuthClientRow | undefined = await optionalClient(input.body, input, services);
  const result = await revokeRefreshFamily(services, token, client?.client_id ?? null);
  switch (result.outcome) {
    case 'revoked':
    case 'unknown':
      return;
    case 'another_client':
      throw client === undefined ? invalidClient() : tokenOfAnotherClient();
    default:
      return unhandledOutcome(result);
  }
}
