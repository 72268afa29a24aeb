import type { OAuthClientRow } from '../../db/oauth-schema';
import type { Dependencies } from '../../dependencies';
import { clientAuthenticationThrottled, invalidClient, OAuthError } from '../../http/errors';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { authenticateClient, failed, type ClientAuthentication } from '../../services/oauth/client-authentication';
import { CLIENT_ID } from '../../security/oauth-secrets';
import type { TokenInput } from './grant';

interface ClientCredentials {
  readonly client_id?: string;
  readonly client_secret?: string;
}

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
    if (colon < 0) throw invalidClient();
    const clientId = formDecoded(decoded.slice(0, colon));
    const secret = formDecoded(decoded.slice(colon + 1));
    // The form's client_id is held to the spec's pattern by validation; the header's is checked here,
    // before any lookup (a NUL byte is not even a valid PostgreSQL text parameter).
    if (clientId === undefined || !CLIENT_ID.test(clientId) || secret === undefined) throw invalidClient();
    if (body.client_id !== undefined && body.client_id !== clientId) throw invalidClient();
    return { clientId, secret, basic: true };
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

type Services = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics'>;
/** What client authentication reads of a request: the Authorization header and the client IP (the throttle's key). */
type ClientRequest = Pick<TokenInput, 'authorization' | 'clientIp'>;

/**
 * The registered client the request authenticates as; a failure is 401 invalid_client, and too
 * many failures for this client from this IP are 429 before the secret is looked at. Required for
 * the authorization code grant; `confidential` (client credentials, introspection) refuses a
 * public client as a failed authentication.
 */
export async function requiredClient(
  body: ClientCredentials,
  input: ClientRequest,
  services: Services,
  options: { confidential?: boolean } = {},
): Promise<OAuthClientRow> {
  const presented = presentedCredentials(body, input.authorization);
  if (presented === undefined) throw invalidClient();
  const client = authenticated(
    await authenticateClient(services, {
      clientId: presented.clientId,
      secret: presented.secret,
      clientIp: input.clientIp,
    }),
  );
  if (options.confidential && client.type !== 'confidential') {
    failed(services, client, 'public_client');
    throw invalidClient();
  }
  return client;
}

/**
 * For the refresh grant: a registered client is authenticated (its tokens refresh only for it); a
 * `client_id` naming no registered client is ignored as it always was (first-party apps send any).
 */
export async function optionalClient(
  body: ClientCredentials,
  input: ClientRequest,
  services: Services,
): Promise<OAuthClientRow | undefined> {
  const presented = presentedCredentials(body, input.authorization);
  if (presented === undefined) return undefined;
  const result = await authenticateClient(services, {
    clientId: presented.clientId,
    secret: presented.secret,
    clientIp: input.clientIp,
    anonymousUnknown: !presented.basic,
  });
  return result.outcome === 'anonymous' ? undefined : authenticated(result);
}

function authenticated(result: ClientAuthentication): OAuthClientRow {
  switch (result.outcome) {
    case 'authenticated':
      return result.client;
    case 'throttled':
      throw clientAuthenticationThrottled(result.retryAfter);
    case 'anonymous':
    case 'unknown_client':
    case 'invalid_secret':
      throw invalidClient();
    default:
      return unhandledOutcome(result);
  }
}
