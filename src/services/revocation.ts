import { audit } from '../audit';
import type { Dependencies } from '../dependencies';
import { findRefreshTokenByHash } from '../repositories/refresh-tokens.repository';
import { hashRefreshToken } from '../security/refresh-token-secrets';
import { endFamily } from './refresh-tokens';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;

export type RevocationOutcome = { outcome: 'revoked' } | { outcome: 'unknown' } | { outcome: 'another_client' };

/**
 * Revokes the family of a presented refresh token; unknown tokens are not an error (RFC 7009 §2.2).
 * `clientId` is the registered client the request authenticated as, or null for none (a
 * first-party app): a token is revoked only for the client it was issued to (§2.1), and is left
 * alone otherwise.
 */
export async function revokeRefreshFamily(
  deps: Deps,
  presented: string,
  clientId: string | null,
): Promise<RevocationOutcome> {
  const row = await findRefreshTokenByHash(deps.db, hashRefreshToken(presented));
  if (!row) return { outcome: 'unknown' };
  if (row.client_id !== clientId) return { outcome: 'another_client' };
  await deps.db
    .transaction()
    .execute((trx) => endFamily(trx, row.user_id, row.family_id, deps.clock.now().toISOString()));
  audit(deps.logger, 'refresh_token_revoked', { user_id: row.user_id, family_id: row.family_id });
  return { outcome: 'revoked' };
}
