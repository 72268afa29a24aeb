import { audit, type AdminActor } from '../../audit';
import type { Dependencies } from '../../dependencies';
import { findOauthClient, replaceOauthClientSecret } from '../../repositories/oauth-clients.repository';
import { hashSecret, newOpaqueSecret } from '../../security/oauth-secrets';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;

export type SecretRotation =
  | { outcome: 'rotated'; clientId: string; secret: string; previousExpiresAt: string | null }
  | { outcome: 'not_found' }
  | { outcome: 'public_client' };

/**
 * A new secret for a confidential client. Without a grace period the old one stops at once (a
 * leak), and so do the tokens it minted; with one, it keeps working until then, so the client's deployments can roll over. Only
 * the current and the one previous secret ever live: rotating again drops the older one.
 */
export async function rotateClientSecret(
  deps: Deps,
  clientId: string,
  graceSeconds: number | undefined,
  actor: AdminActor,
): Promise<SecretRotation> {
  const secret = newOpaqueSecret();
  const previousExpiresAt =
    graceSeconds === undefined ? null : new Date(deps.clock.now().getTime() + graceSeconds * 1000).toISOString();
  // A conditional update, not read-then-write: a rotation that raced another one reads the winner's
  // secret and replaces that, so with a grace period both secrets handed out work.
  for (;;) {
    const client = await findOauthClient(deps.db, clientId);
    if (!client) return { outcome: 'not_found' };
    if (client.type !== 'confidential' || client.secret_hash === null) return { outcome: 'public_client' };
    const replaced = await replaceOauthClientSecret(deps.db, clientId, client.secret_hash, {
      secret_hash: hashSecret(secret),
      previous_secret_hash: previousExpiresAt === null ? null : client.secret_hash,
      previous_secret_expires_at: previousExpiresAt,
      // Without grace this is a leak: the tokens the old secret minted end now too.
      ...(previousExpiresAt === null && { token_generation: client.token_generation + 1 }),
    });
    if (replaced) break;
  }
  audit(deps.logger, 'oauth_client_secret_rotated', {
    client_id: clientId,
    ...(graceSeconds !== undefined && { grace_seconds: graceSeconds }),
    ...actor,
  });
  return { outcome: 'rotated', clientId, secret, previousExpiresAt };
}
