import type { Dependencies } from '../../dependencies';
import { invalidRefreshToken, missingParameter, scopeNotAllowed, unauthorizedClient } from '../../http/errors';
import { presentedRefreshToken, type PresentedRefreshToken } from '../../http/refresh-cookie';
import { allowsGrant } from '../../services/oauth/clients';
import { refreshSession, type RefreshOutcome } from '../../services/refresh-tokens';
import { optionalClient } from './client-authentication';
import { refreshedSession } from '../../services/sessions';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { type Grant, type GrantRequest, type TokenInput, type TokenResult } from './grant';
import { tokenResponse } from './token-response';

export type RefreshTokenGrantRequest = GrantRequest<'refresh_token'>;

/** RFC 6749 §6, with rotation (RFC 9700 §4.14): the token presented is dead from then on. */
export const refreshTokenGrant: Grant<'refresh_token'> = {
  metric: 'none',
  async handle(body: RefreshTokenGrantRequest, input: TokenInput, services: Dependencies): Promise<TokenResult> {
    const token = presented(presentedRefreshToken(services.config, body.refresh_token, input));
    // A token issued to a registered client refreshes only for that client, authenticated (RFC 6749 §6).
    const client = await optionalClient(body, input, services);
    if (client && !allowsGrant(client, 'refresh_token')) throw unauthorizedClient('refresh_token');
    const result = issued(await refreshSession(services, token, body.scope, client?.client_id), services);
    return tokenResponse(
      services,
      result.user,
      result.scopes,
      result.refreshToken,
      await refreshedSession(services, result.user.id, result.sessionId),
    );
  },
};

function presented(token: PresentedRefreshToken): string {
  switch (token.outcome) {
    case 'token':
      return token.token;
    case 'missing':
      throw missingParameter('refresh_token');
    case 'ambiguous':
      throw invalidRefreshToken();
    default:
      return unhandledOutcome(token);
  }
}

function issued(
  result: RefreshOutcome,
  services: Pick<Dependencies, 'metrics'>,
): Extract<RefreshOutcome, { outcome: 'issued' }> {
  switch (result.outcome) {
    case 'issued':
      return result;
    case 'invalid_scope':
      throw scopeNotAllowed(result.refused);
    case 'reused':
      services.metrics.refreshReuseDetected();
      throw invalidRefreshToken();
    case 'invalid':
      throw invalidRefreshToken();
    default:
      return unhandledOutcome(result);
  }
}
