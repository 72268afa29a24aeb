import { audit, type AdminActor } from '../audit';
import type { UserChanges, UserRow } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { findUserById, updateUser } from '../repositories/users.repository';
import { endAllSessionsOf } from './session-endings';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;

/** What an administrator may change on an account (PATCH /users/{id}); absent = unchanged. */
export interface AdminChanges {
  readonly is_active: boolean | undefined;
  readonly role: UserRow['role'] | undefined;
  readonly email_verified: boolean | undefined;
}

export type AdminUpdate =
  | { readonly outcome: 'updated'; readonly user: UserRow }
  | { readonly outcome: 'not_found' }
  /** The admin would deactivate or demote themselves. */
  | { readonly outcome: 'self_lockout' };

/**
 * Deactivation and a role change end every session in the same transaction (token version bumped,
 * refresh families revoked), so no token issued before outlives them.
 */
export async function updateUserAsAdmin(
  deps: Deps,
  actor: AdminActor,
  userId: number,
  changes: AdminChanges,
): Promise<AdminUpdate> {
  const { is_active, role, email_verified } = changes;
  // The last admin locking themselves out would leave nobody to undo it.
  if (
    'admin_id' in actor &&
    userId === actor.admin_id &&
    (is_active === false || (role !== undefined && role !== 'admin'))
  )
    return { outcome: 'self_lockout' };
  const row: UserChanges = {
    ...(is_active !== undefined && { is_active: is_active ? 1 : 0 }),
    ...(role !== undefined && { role }),
    ...(email_verified !== undefined && { email_verified: email_verified ? 1 : 0 }),
  };
  const updated = await deps.db.transaction().execute(async (trx) => {
    const before = role === undefined ? undefined : await findUserById(trx, userId);
    const after = await updateUser(trx, userId, row);
    // A role change ends the sessions too: a demoted admin's tokens must not become admin tokens again on re-promotion.
    if (after && (is_active === false || (before && before.role !== after.role)))
      await endAllSessionsOf(trx, after.id, deps.clock.now().toISOString());
    return after;
  });
  if (!updated) return { outcome: 'not_found' };
  audit(deps.logger, 'user_updated', { user_id: updated.id, ...actor, is_active, role, email_verified });
  return { outcome: 'updated', user: updated };
}
