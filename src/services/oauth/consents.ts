import type { components } from '../../../generated/api';
import { audit } from '../../audit';
import type { Dependencies } from '../../dependencies';
import { deleteConsent, selectConsentsOfUser } from '../../repositories/oauth-grants.repository';
import { endClientSessions } from '../../repositories/oauth-sessions.repository';
import { parseScope } from '../../security/scopes';

type AuthorizedApp = components['schemas']['AuthorizedApp'];

export async function listConsents(deps: Pick<Dependencies, 'db'>, userId: number): Promise<AuthorizedApp[]> {
  const rows = await selectConsentsOfUser(deps.db, userId);
  return rows.map((row) => ({
    client_id: row.client_id,
    name: row.name,
    scopes: parseScope(row.scope),
    granted_at: row.granted_at,
  }));
}

/** Forgets the consent and ends the client's sessions of this user in one transaction: its tokens fail at once. */
export async function withdrawConsent(
  deps: Pick<Dependencies, 'db' | 'clock' | 'logger'>,
  userId: number,
  clientId: string,
): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const withdrawn = await deps.db.transaction().execute(async (trx) => {
    const deleted = await deleteConsent(trx, userId, clientId);
    if (deleted) await endClientSessions(trx, clientId, userId, at);
    return deleted;
  });
  if (withdrawn) audit(deps.logger, 'oauth_consent_withdrawn', { user_id: userId, client_id: clientId });
  return withdrawn;
}
