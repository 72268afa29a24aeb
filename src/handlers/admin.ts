import { audit } from '../audit';
import { conflict, notFound } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/openapi/operation-types';
import { findUserById, selectUsers, updateUser as updateUserRow } from '../repositories/users.repository';
import { endAllSessionsOf } from '../services/refresh-tokens';
import type { UserChanges } from '../db/schema';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from './cursor';
import { presentUser } from './presenters';

const userNotFound = () => notFound('No user with this id.');

export const listUsers: OperationHandler<'listUsers'> = async ({ query }, { db }) => {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await selectUsers(db, { afterId: decodeCursor(query.cursor), limit: limit + 1, usernamePrefix: query.username_prefix?.toLowerCase() });
  return { status: 200, body: pageOf(rows, limit, presentUser) };
};

export const getUser: OperationHandler<'getUser'> = async ({ path }, { db }) => {
  const user = await findUserById(db, path.id);
  if (!user) throw userNotFound();
  return { status: 200, body: presentUser(user) };
};

/**
 * Deactivation and a role change end every session in the same transaction (token version bumped,
 * refresh families revoked), so no token issued before outlives them.
 */
export const updateUser: OperationHandler<'updateUser'> = async (input, services) => {
  const admin = authenticated(input).user;
  const { is_active, roles, email_verified } = input.body;
  const role = roles?.[0];
  // The last admin locking themselves out would leave nobody to undo it.
  if (input.path.id === admin.id && (is_active === false || (role !== undefined && role !== 'admin'))) {
    throw conflict('self_lockout', 'Admins cannot deactivate or demote themselves; ask another admin.');
  }
  const changes: UserChanges = {
    ...(is_active !== undefined && { is_active: is_active ? 1 : 0 }),
    ...(role !== undefined && { role }),
    ...(email_verified !== undefined && { email_verified: email_verified ? 1 : 0 }),
  };
  const updated = await services.db.transaction().execute(async (trx) => {
    const before = role === undefined ? undefined : await findUserById(trx, input.path.id);
    const row = await updateUserRow(trx, input.path.id, changes);
    // A role change ends the sessions too: a demoted admin's tokens must not become admin tokens again on re-promotion.
    if (row && (is_active === false || (before && before.role !== row.role))) await endAllSessionsOf(trx, row.id, services.clock.now().toISOString());
    return row;
  });
  if (!updated) throw userNotFound();
  audit(services.logger, 'user_updated', { user_id: updated.id, admin_id: admin.id, is_active, role, email_verified });
  return { status: 200, body: presentUser(updated) };
};
