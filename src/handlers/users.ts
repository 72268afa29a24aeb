import { audit } from '../audit';
import { emailChangeThrottled, registrationThrottled, userExists } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { TAKEN, updateUserEmail } from '../repositories/users.repository';
import { admitEmailChange, admitRegistration } from '../services/attempt-limits';
import { registerUser } from '../services/registration';
import { presentUser } from './presenters';

export const createUser: OperationHandler<'createUser'> = async ({ body, clientIp }, services) => {
  const admission = await admitRegistration(services, clientIp);
  if (admission.outcome === 'throttled') {
    audit(services.logger, 'registration_throttled', { retry_after: admission.retryAfter });
    throw registrationThrottled(admission.retryAfter);
  }
  const registration = await registerUser(services, body);
  if (registration.outcome === 'user_exists') throw userExists();
  audit(services.logger, 'user_registered', { user_id: registration.user.id });
  return { status: 201, body: presentUser(registration.user) };
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
  const updated = await updateUserEmail(services.db, user.id, email);
  if (updated === TAKEN) throw userExists();
  if (!updated) throw new Error(`user ${user.id} vanished while authenticated`);
  return { status: 200, body: presentUser(updated) };
};
