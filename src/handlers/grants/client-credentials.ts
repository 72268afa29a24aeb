import { audit } from '../../audit';
import type { Dependencies } from '../../dependencies';
import { scopeNotAllowed, unauthorizedClient } from '../../http/errors';
import { clientScopes } from '../../security/scopes';
import { allowsGrant } from '../../services/oauth/clients';
import { requiredClient } from './client-authentication';
import { TOKEN_ANSWER_HEADERS } from './token-response';
import { type Grant, type GrantRequest, type TokenInput, type TokenResult } from './grant';

export type ClientCredentialsGrantRequest = GrantRequest<'client_credentials'>;

/**
 * RFC 6749 §4.4: a confidential client's token for itself (docs/machine-clients.md). No refresh
 * token (§4.4.3: the client can simply ask again) and no ID token (there is no user).
 */
export const clientCredentialsGrant: Grant<'client_credentials'> = {
  // Not a user's login: its failures are counted as client authentications (tollgate_client_authentication_failures_total).
  metric: 'none',
  async handle(body: ClientCredentialsGrantRequest, input: TokenInput, services: Dependencies): Promise<TokenResult> {
    const client = await requiredClient(body, input, services, { confidential: true });
    if (!allowsGrant(client, 'client_credentials')) throw unauthorizedClient('client_credentials');
    const grant = clientScopes(client.scope, body.scope);
    if ('refused' in grant) throw scopeNotAllowed(grant.refused);
    const { tokens, logger, metrics } = services;
    const accessToken = await tokens.issueForClient(client, grant.granted);
    audit(logger, 'client_token_issued', { client_id: client.client_id, scope: grant.granted.join(' ') });
    metrics.clientTokenIssued(client.client_id);
    return {
      status: 200,
      headers: { ...TOKEN_ANSWER_HEADERS },
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: tokens.ttlSeconds,
        scope: grant.granted.join(' '),
      },
    };
  },
};
