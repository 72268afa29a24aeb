import { audit, type AuditEvents } from '../audit';
import { invalidMailToken, mailRequestsThrottled, passwordTooCommon } from '../http/errors';
import { authenticated, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import type { Dependencies } from '../dependencies';
import { confirmEmailVerification as confirmVerification, addressToVerify, mailVerification } from '../services/email-verification';
import { admitMailRequest } from '../services/mail-limits';
import { confirmPasswordReset as confirmReset, mailPasswordReset } from '../services/password-reset';

const ACCEPTED = { detail: 'If an account uses this address, a message is on its way.' };

type Throttled = AuditEvents['mail_request_throttled'];

/** Counts the request against the mail limits; past either, a 429 (the same for unknown addresses). */
export async function limitMailRequest(services: Dependencies, email: string, clientIp: string, who: Omit<Throttled, 'retry_after'>): Promise<void> {
  const admission = await admitMailRequest(services, { operation: who.operation, email, clientIp, userId: who.user_id });
  switch (admission.outcome) {
    case 'admitted':
      return;
    case 'throttled':
      audit(services.logger, 'mail_request_throttled', { ...who, retry_after: admission.retryAfter });
      throw mailRequestsThrottled(admission.retryAfter);
    default:
      return unhandledOutcome(admission);
  }
}

export const requestPasswordReset: OperationHandler<'requestPasswordReset'> = async ({ body, clientIp }, services) => {
  await limitMailRequest(services, body.email, clientIp, { operation: 'password_reset' });
  // Nothing that depends on the address runs before the answer: see OutboxWorker.afterAnswer.
  services.outbox.afterAnswer(() => mailPasswordReset(services, body.email));
  return { status: 202, body: ACCEPTED };
};

export const confirmPasswordReset: OperationHandler<'confirmPasswordReset'> = async ({ body }, services) => {
  const reset = await confirmReset(services, body.token, body.new_password);
  switch (reset.outcome) {
    case 'reset':
      return { status: 204, body: undefined };
    case 'invalid_token':
      throw invalidMailToken();
    case 'password_too_common':
      throw passwordTooCommon('new_password');
    default:
      return unhandledOutcome(reset);
  }
};

export const requestEmailVerification: OperationHandler<'requestEmailVerification'> = async (input, services) => {
  const { user } = authenticated(input);
  await limitMailRequest(services, addressToVerify(user) ?? user.email, input.clientIp, { operation: 'email_verification', user_id: user.id });
  // After the answer: whether the pending address belongs to another account must not show in it.
  services.outbox.afterAnswer(() => mailVerification(services, user));
  return { status: 202, body: ACCEPTED };
};

export const confirmEmailVerification: OperationHandler<'confirmEmailVerification'> = async ({ body }, services) => {
  const verification = await confirmVerification(services, body.token);
  switch (verification.outcome) {
    case 'verified':
      return { status: 204, body: undefined };
    case 'invalid_token':
      throw invalidMailToken();
    default:
      return unhandledOutcome(verification);
  }
};
