import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { passwordTooCommon, registrationThrottled, userExists } from '../http/errors';
import { authenticated, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import type { RegistrationAdmission } from '../services/attempt-limits';
import type { Registration } from '../services/registration';
import { requestEmailChange } from '../services/email-change';
import { mailVerification } from '../services/email-verification';
import { limitMailRequest } from './account-recovery';
import { admitRegistration } from '../services/attempt-limits';
import { registerUser } from '../services/registration';
import { presentUser } from './presenters';
import { reauthenticate } from './reauthentication';

export const createUser: OperationHandler<'createUser'> = async ({ body, clientIp }, services) => {
  admitted(await admitRegistration(services, clientIp), services);
  const user = registered(await registerUser(services, body));
  audit(services.logger, 'user_registered', { user_id: user.id });
  await mailVerification(services, user);
  return { status: 201, body: presentUser(user) };
};

function admitted(admission: RegistrationAdmission, services: Pick<Dependencies, 'logger'>): void {
  switch (admission.outcome) {
    case 'admitted':
      return;
    case 'throttled':
      audit(services.logger, 'registration_throttled', { retry_after: admission.retryAfter });
      throw registrationThrottled(admission.retryAfter);
    default:
      return unhandledOutcome(admission);
  }
}

function registered(registration: Registration): UserRow {
  switch (registration.outcome) {
    case 'registered':
      return registration.user;
    case 'user_exists':
      throw userExists();
    case 'password_too_common':
      throw passwordTooCommon('password');
    default:
      return unhandledOutcome(registration);
  }
}

export const getCurrentUser: OperationHandler<'getCurrentUser'> = async (input) => {
  const { user } = authenticated(input);
  return { status: 200, body: presentUser(user) };
};

/**
 * The address changes only once confirmed (services/email-change.ts); a taken one gets the same answer.
 * A new address needs the current password: with the token alone, a thief could move the address and
 * then reset the password through it. Sending the current address only cancels a pending change.
 */
export const updateCurrentUser: OperationHandler<'updateCurrentUser'> = async (input, services) => {
  const { user } = authenticated(input);
  const { email, current_password } = input.body;
  if (email.toLowerCase() !== user.email_normalized) await reauthenticate(services, user, current_password, input.clientIp, 'email_change');
  await limitMailRequest(services, input.body.email, input.clientIp, { operation: 'email_change', user_id: user.id });
  return { status: 200, body: presentUser(await requestEmailChange(services, user, input.body.email)) };
};
