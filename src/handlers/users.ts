import { isUniqueViolation } from '../db/errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { updateUser } from '../repositories/users.repository';
import { registerUser, userExists } from '../services/registration';
import { presentUser } from './presenters';

export const createUser: OperationHandler<'createUser'> = async ({ body }, services) => {
  const user = await registerUser(services, body);
  return { status: 201, body: presentUser(user) };
};

export const getCurrentUser: OperationHandler<'getCurrentUser'> = async (input) => {
  const { user } = authenticated(input);
  return { status: 200, body: presentUser(user) };
};

export const updateCurrentUser: OperationHandler<'updateCurrentUser'> = async (input, { db }) => {
  const { user } = authenticated(input);
  const { email } = input.body;
  try {
    // The unique index on the normalized email is the guard, races included.
    const updated = await updateUser(db, user.id, { email, email_normalized: email.toLowerCase() });
    if (!updated) throw new Error(`user ${user.id} vanished while authenticated`);
    return { status: 200, body: presentUser(updated) };
  } catch (error) {
    if (isUniqueViolation(error)) throw userExists();
    throw error;
  }
};
