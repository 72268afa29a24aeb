import { missingParameter } from '../http/errors';
import { unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import { clearRefreshCookie, presentedRefreshToken } from '../http/refresh-cookie';
import { revokeRefreshFamily } from '../services/refresh-tokens';

/**
 * RFC 7009. Any token is looked up as a refresh token: an access token or a stranger's garbage
 * simply matches nothing, and §2.2 wants 200 for those too, so probing reveals nothing.
 */
export const revokeToken: OperationHandler<'revokeToken'> = async (input, services) => {
  const presented = presentedRefreshToken(services.config, input.body.token, input);
  switch (presented.outcome) {
    case 'token':
      await revokeRefreshFamily(services, presented.token);
      break;
    case 'ambiguous':
      // Two refresh cookies: neither is trusted, so nothing is revoked; the 200 still clears ours.
      break;
    case 'missing':
      throw missingParameter('token');
    default:
      return unhandledOutcome(presented);
  }
  return { status: 200, body: undefined, headers: { 'Cache-Control': 'no-store', ...clearRefreshCookie(services.config) } };
};
