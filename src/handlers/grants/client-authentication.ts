import type { OAuthClientRow } from '../../db/oauth-schema';
import type { Dependencies } from '../../dependencies';
import { invalidClient, OAuthError } from '../../http/errors';
import { authenticateClient } from '../../services/oauth/clients';
import type { TokenInput } from './grant';

interface ClientCredentials {
  readonly client_id?: string;
  readonly client_secret?: string;
}

/** What client authentication reads of a request: the same at the token, revocation and introspection endpoints. */
type ClientRequest = Omit<TokenInput, 'body' | 'path' | 'query' | 'principal'>;

type Presented = { clientId: string; secret: string | undefined; basic: boolean } | undefined;

/**
 * RFC 6749 §2.3.1: `client_secret_basic` (HTTP Basic, each part form-urlencoded first) or
 * `client_secret_post` (the form), never both; a public client sends its `client_id` alone.
 */
function presentedCredentials(body: ClientCredentials, authorization: string | undefined): Presented {
  const basic = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization ?? '');
  if (basic?.[1] !== undefined) {
    if (body.client_secret !== undefined)
      throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient(true);
    const clientId = formDecoded(decoded.slice(0, colon));
    if (clientId === undefined || (body.client_id !== undefined && body.client_id !== clientId))
      throw invalidClient(true);
    return { clientId, secret: formDecoded(decoded.slice(colon + 1)), basic: true };
  }
  if (body.client_id === undefined) return undefined;
  return { clientId: body.client_id, secret: body.client_secret, basic: false };
}

function formDecoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The registered client the request authenticates as; a failure is 401 invalid_client. Required for the authorization code grant. */
export async function requiredClient(
  body: ClientCredentials,
  input: ClientRequest,
  services: Pick<Dependencies, 'db'>,
): Promise<OAuthClientRow> {
  const presented = presentedCredentials(body, input.authorization);
  if (presented === undefined) throw invalidClient(false);
  return authenticated(presented, services);
}

/**
 * For the refresh grant: a registered client is authenticated (its tokens refresh only for it); a
 * `client_id` naming no registered client is ignored as it always was (first-party apps send any).
 */
export async function optionalClient(
  body: ClientCredentials,
  input: ClientRequest,
  services: Pick<Dependencies, 'db'>,
): Promise<OAuthClientRow | undefined> {
  const presented = presentedCredentials(body, input.authorization);
  if (presented === undefined) return undefined;
  const result = await authenticateClient(services, presented.clientId, presented.secret);
  if (result.outcome === 'unknown_client' && !presented.basic && presented.secret === undefined) return undefined;
  return authenticated(presented, services, result);
}

async function authenticated(
  presented: NonNullable<Presented>,
  services: Pick<Dependencies, 'db'>,
  known?: Awaited<ReturnType<typeof authenticateClient>>,
): Promise<OAuthClientRow> {
  const result = known ?? (await authenticateClient(services, presented.clientId, presented.secret));
  if (result.outcome !== 'authenticated') throw invalidClient(presented.basic);
  return result.client;
}
