import { audit } from '../audit';
import { isUniqueViolation } from '../db/errors';
import { emailChangeThrottled, registrationThrottled } from '../errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { updateUser } from '../repositories/users.repository';
import { admitEmailChange, admitRegistration } from '../services/attempt-limits';
import { registerUser, userExists } from '../services/registration';
import { presentUser } from './presenters';

export const createUser: OperationHandler<'createUser'> = async ({ body, clientIp }, services) => {
  const admission = await admitRegistration(services, clientIp);
  if (admission.outcome === 'throttled') {
    audit(services.logger, 'registration_throttled', { retry_after: admission.retryAfter });
    throw registrationThrottled(admission.retryAfter);
  }
  const user = await registerUser(services, body);
  audit(services.logger, 'user_registered', { user_id: user.id });
  return { status: 201, body: presentUser(user) };
};

export const getCurrentUser: OperationHandler<'getCurrentUser'> = async (input) => {
  const { user } = authenticated(input);
  return { status: 200, body: presentUser(user) };
};

export const updateCurrentUser: OperationHandler<'updateCurrentUser'> = async (input, services) => {
  const { user } = authenticated(input);
  const { email } = input.body;
  // A 409 tells whether an address is taken: throttled like registration, before the address is looked at.
  const admission = await admitEmailChange(services, user.id, input.clientIp);
  if (admission.outcome === 'throttled') {
    audit(services.logger, 'email_change_throttled', { user_id: user.id, retry_after: admission.retryAfter });
    throw emailChangeThrottled(admission.retryAfter);
  }
  const { db } = services;
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
