import { authenticated, type OperationHandler } from '../http/operation-types';
import { registerUser } from '../services/registration';
import { presentUser } from './presenters';

export const createUser: OperationHandler<'createUser'> = async ({ body }, services) => {
  const user = await registerUser(services, body);
  return { status: 201, body: presentUser(user) };
};

export const getCurrentUser: OperationHandler<'getCurrentUser'> = async (input) => {
  const { user } = authenticated(input);
  return { status: 200, body: presentUser(user) };
};
