import { selfLockout, userNotFound } from '../http/errors';
import { adminActor, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import { findUserById, selectUsers } from '../repositories/users.repository';
import { updateUserAsAdmin } from '../services/user-admin';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from './cursor';
import { presentUser } from './presenters';

export const listUsers: OperationHandler<'listUsers'> = async ({ query }, { db }) => {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await selectUsers(db, {
    afterId: decodeCursor(query.cursor),
    limit: limit + 1,
    usernamePrefix: query.username_prefix?.toLowerCase(),
  });
  return { status: 200, body: pageOf(rows, limit, presentUser) };
};

export const getUser: OperationHandler<'getUser'> = async ({ path }, { db }) => {
  const user = await findUserById(db, path.id);
  if (!user) throw userNotFound();
  return { status: 200, body: presentUser(user) };
};

/** Deactivation and a role change end the user's sessions (services/user-admin.ts). */
export const updateUser: OperationHandler<'updateUser'> = async (input, services) => {
  const { is_active, roles, email_verified } = input.body;
  const update = await updateUserAsAdmin(services, adminActor(input), input.path.id, {
    is_active,
    role: roles?.[0],
    email_verified,
  });
  switch (update.outcome) {
    case 'updated':
      return { status: 200, body: presentUser(update.user) };
    case 'self_lockout':
      throw selfLockout();
    case 'not_found':
      throw userNotFound();
    default:
      return unhandledOutcome(update);
  }
};
