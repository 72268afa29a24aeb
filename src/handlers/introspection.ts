import { invalidClient } from '../http/errors';
import type { OperationHandler, OperationInput } from '../http/openapi/operation-types';
import type { Dependencies } from '../dependencies';
import type { OAuthClientRow } from '../db/oauth-schema';
import { introspect } from '../services/introspection';
import { requiredClient } from './grants/client-authentication';
import { presentIntrospection } from './presenters';

/** RFC 7662: what a token is, for a confidential client (a resource server, or the token's own client). */
export const introspectToken: OperationHandler<'introspectToken'> = async (input, services) => {
  const client = await confidentialClient(input, services);
  const found = await introspect(services, input.body.token, input.body.token_type_hint, client);
  return {
    status: 200,
    body: presentIntrospection(found, services.config.jwtIssuer),
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  };
};

/**
 * RFC 7662 §2.1 requires the caller to be authorised; here, to authenticate as a confidential
 * client. No credentials and a public client (whose `client_id` proves nothing) get the Basic
 * challenge as a wrong Basic secret does (RFC 6749 §5.2), so the caller learns how to authenticate.
 */
async function confidentialClient(
  input: OperationInput<'introspectToken'>,
  services: Dependencies,
): Promise<OAuthClientRow> {
  const basic = /^basic /i.test(input.authorization ?? '');
  if (!basic && input.body.client_id === undefined) throw invalidClient(true);
  const client = await requiredClient(input.body, input, services);
  if (client.type !== 'confidential') throw invalidClient(true);
  return client;
}
