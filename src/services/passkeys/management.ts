import { audit } from '../../audit';
import type { PasskeyRow } from '../../db/passkey-schema';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { withMail } from '../mail-transaction';
import { deletePasskeyOfUser, renamePasskeyOfUser, selectPasskeysOfUser } from '../../repositories/passkeys.repository';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics' | 'outbox'>;

export async function listPasskeys(deps: Pick<Deps, 'db'>, userId: number): Promise<PasskeyRow[]> {
  return selectPasskeysOfUser(deps.db, userId);
}

/** Another user's passkey and a missing one are the same `not_found`. */
export async function renamePasskey(
  deps: Pick<Deps, 'db'>,
  userId: number,
  id: number,
  name: string,
): Promise<{ outcome: 'renamed'; passkey: PasskeyRow } | { outcome: 'not_found' }> {
  const passkey = await renamePasskeyOfUser(deps.db, userId, id, name);
  return passkey ? { outcome: 'renamed', passkey } : { outcome: 'not_found' };
}

/**
 * Removes one passkey of the user and tells them by mail. The last one may go too: the password
 * remains. Sessions begun with it live on (the user ends them in the session list if they wish).
 */
export async function removePasskey(
  deps: Deps,
  user: UserRow,
  id: number,
): Promise<{ outcome: 'removed' } | { outcome: 'not_found' }> {
  const removed = await withMail(deps, async (trx, queue) => {
    const row = await deletePasskeyOfUser(trx, user.id, id);
    if (row) await queue(user.email, { kind: 'passkey_removed', name: row.name });
    return row;
  });
  if (!removed) return { outcome: 'not_found' };
  audit(deps.logger, 'passkey_removed', { user_id: user.id, passkey_id: removed.id });
  return { outcome: 'removed' };
}
