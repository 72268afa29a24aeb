import {
  ApiError,
  mfaAlreadyEnabled,
  mfaNotEnabled,
  mfaUnavailable,
  noPendingEnrolment,
  secondFactorThrottled,
  userNotFound,
  wrongOtp,
} from '../http/errors';
import { adminActor, authenticated, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import {
  type CodeRefused,
  confirmEnrolment,
  disableSecondFactor,
  regenerateRecoveryCodes as regenerate,
  resetSecondFactor,
  startEnrolment,
} from '../services/mfa/enrolment';
import { reauthenticate } from './reauthentication';

type Refused = CodeRefused | { readonly outcome: 'no_pending' | 'not_enabled' };

/** Nothing to act on (409), a code the limits refused (429) or a wrong code (400). */
function refusal(refused: Refused): ApiError {
  switch (refused.outcome) {
    case 'no_pending':
      return noPendingEnrolment();
    case 'not_enabled':
      return mfaNotEnabled();
    case 'throttled':
      return secondFactorThrottled(refused.retryAfter);
    case 'wrong_code':
      return wrongOtp();
    default:
      return unhandledOutcome(refused);
  }
}

/** Enrolling needs the current password: a stolen token must not put the thief's authenticator on the account. */
export const startTotpEnrolment: OperationHandler<'startTotpEnrolment'> = async (input, services) => {
  const { user } = authenticated(input);
  await reauthenticate(services, user, input.body?.current_password, input.clientIp, 'totp_enrolment');
  const enrolment = await startEnrolment(services, user);
  switch (enrolment.outcome) {
    case 'started':
      return { status: 201, body: { secret: enrolment.secret, otpauth_uri: enrolment.otpauth_uri } };
    case 'already_enabled':
      throw mfaAlreadyEnabled();
    case 'unavailable':
      throw mfaUnavailable();
    default:
      return unhandledOutcome(enrolment);
  }
};

export const confirmTotpEnrolment: OperationHandler<'confirmTotpEnrolment'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  await reauthenticate(services, user, input.body.current_password, input.clientIp, 'totp_confirmation');
  const confirmation = await confirmEnrolment(services, user, input.body.code, input.clientIp, sessionId);
  if (confirmation.outcome !== 'enabled') throw refusal(confirmation);
  return { status: 200, body: { recovery_codes: confirmation.recoveryCodes } };
};

export const disableTotp: OperationHandler<'disableTotp'> = async (input, services) => {
  const disabling = await disableSecondFactor(services, authenticated(input).user, input.body.code, input.clientIp);
  if (disabling.outcome !== 'disabled') throw refusal(disabling);
  return { status: 204, body: undefined };
};

export const regenerateRecoveryCodes: OperationHandler<'regenerateRecoveryCodes'> = async (input, services) => {
  const regeneration = await regenerate(services, authenticated(input).user, input.body.code, input.clientIp);
  if (regeneration.outcome !== 'regenerated') throw refusal(regeneration);
  return { status: 200, body: { recovery_codes: regeneration.recoveryCodes } };
};

/** A lost authenticator: the second factor and every session go (services/mfa/enrolment.ts). */
export const resetUserMfa: OperationHandler<'resetUserMfa'> = async (input, services) => {
  const reset = await resetSecondFactor(services, adminActor(input), input.path.id);
  switch (reset.outcome) {
    case 'reset':
      return { status: 204, body: undefined };
    case 'not_found':
      throw userNotFound();
    default:
      return unhandledOutcome(reset);
  }
};
