import { audit } from '../../audit';
import type { OAuthClientRow } from '../../db/oauth-schema';
import type { Dependencies } from '../../dependencies';
import { findOauthClient } from '../../repositories/oauth-clients.repository';
import { secretMatches } from '../../security/oauth-secrets';
import { admitClientAuthentication } from '../attempt-limits';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics'>;

export interface PresentedClient {
  readonly clientId: string;
  readonly secret: string | undefined;
  readonly clientIp: string;
  /**
   * The refresh grant's leniency: a `client_id` naming no registered client, sent without a
   * secret, is no authentication at all (first-party apps send any) and is answered `anonymous`.
   */
  readonly anonymousUnknown?: boolean;
}

export type ClientAuthentication =
  | { outcome: 'authenticated'; client: OAuthClientRow }
  | { outcome: 'anonymous' }
  | { outcome: 'unknown_client' }
  | { outcome: 'invalid_secret' }
  | { outcome: 'throttled'; retryAfter: number };

/**
 * RFC 6749 §2.3: a confidential client proves itself with its secret; a public client sends none
 * (and one that sends a secret is refused: it has nothing to compare with). Every attempt counts
 * against CLIENT_AUTH_MAX_FAILURES per client_id and client IP until it succeeds; past the limit
 * the secret is not even compared, so guessing on is pointless.
 */
export async function authenticateClient(deps: Deps, presented: PresentedClient): Promise<ClientAuthentication> {
  const client = await findOauthClient(deps.db, presented.clientId);
  if (!client && presented.anonymousUnknown && presented.secret === undefined) return { outcome: 'anonymous' };
  const admission = await admitClientAuthentication(deps, presented.clientId, presented.clientIp);
  if (admission.outcome === 'throttled') {
    failed(deps, client, 'throttled', admission.retryAfter);
    return admission;
  }
  if (!client) {
    failed(deps, client, 'unknown_client');
    return { outcome: 'unknown_client' };
  }
  if (!secretAccepted(client, presented.secret, deps.clock.now())) {
    failed(deps, client, 'wrong_secret');
    return { outcome: 'invalid_secret' };
  }
  await admission.succeeded();
  return { outcome: 'authenticated', client };
}

/**
 * The current secret, or the previous one within its grace period (a rotation's overlap). Both
 * hashes are compared, each in constant time, whatever the first gave: the time taken does not say
 * which one matched.
 */
function secretAccepted(client: OAuthClientRow, secret: string | undefined, now: Date): boolean {
  if (client.secret_hash === null) return secret === undefined;
  if (secret === undefined) return false;
  const current = secretMatches(secret, client.secret_hash);
  const previous =
    client.previous_secret_hash !== null &&
    secretMatches(secret, client.previous_secret_hash) &&
    client.previous_secret_expires_at !== null &&
    client.previous_secret_expires_at > now.toISOString();
  return current || previous;
}

/** The client_id of an unknown client is the caller's free text: it goes neither into the log nor into a metric label. */
export function failed(
  deps: Pick<Deps, 'logger' | 'metrics'>,
  client: OAuthClientRow | undefined,
  reason: 'unknown_client' | 'wrong_secret' | 'public_client' | 'throttled',
  retryAfter?: number,
): void {
  audit(deps.logger, 'client_authentication_failed', {
    ...(client && { client_id: client.client_id }),
    reason,
    ...(retryAfter !== undefined && { retry_after: retryAfter }),
  });
  deps.metrics.clientAuthenticationFailed(client?.client_id, reason);
}
