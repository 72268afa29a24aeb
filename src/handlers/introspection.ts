import type { OperationHandler } from '../http/openapi/operation-types';
import { introspect } from '../services/introspection';
import { requiredClient } from './grants/client-authentication';
import { TOKEN_ANSWER_HEADERS } from './grants/token-response';
import { presentIntrospection } from './presenters';

/**
 * RFC 7662: what a token is, for a confidential client (a resource server, or the token's own
 * client). §2.1 requires the caller to be authorised: here, authenticated as a confidential client;
 * a public client's `client_id` proves nothing, so it fails as a wrong secret does (401 invalid_client).
 */
export const introspectToken: OperationHandler<'introspectToken'> = async (input, services) => {
  const client = await requiredClient(input.body, input, services, { confidential: true });
  const found = await introspect(services, input.body.token, input.body.token_type_hint, client);
  return {
    status: 200,
    body: presentIntrospection(found, services.config.jwtIssuer),
    headers: { ...TOKEN_ANSWER_HEADERS },
  };
};
