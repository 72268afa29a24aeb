import { audit } from '../audit';
import { ApiError, mfaAlreadyEnabled, mfaNotEnabled, mfaUnavailable, noPendingEnrolment, notFound, secondFactorThrottled, wrongOtp } from '../http/errors';
import { withMail } from '../mail/mail-transaction';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { deleteSecondFactor } from '../repositories/mfa.repository';
import { findUserById } from '../repositories/users.repository';
import { type CodeRefused, confirmEnrolment, disableSecondFactor, regenerateRecoveryCodes as regenerate, startEnrolment } from '../services/mfa';
import { endAllSessionsOf } from '../services/refresh-sessions';
import { reauthenticate } from './reauthentication';

type Refused = CodeRefused | { readonly outcome: 'no_pending' | 'not_enabled' };

/** Nothing to act on (409), a code the limits refused (429) or a wrong code (400). */
function refusal(refused: Refused): ApiError {
  if (refused.outcome === 'no_pending') return noPendingEnrolment();
  if (refused.outcome === 'not_enabled') return mfaNotEnabled();
  return refused.outcome === 'throttled' ? secondFactorThrottled(refused.retryAfter) : wrongOtp();
}

/** Enrolling needs the current password: a stolen token must not put the thief's authenticator on the account. */
export const startTotpEnrolment: OperationHandler<'startTotpEnrolment'> = async (input, services) => {
  const { user } = authenticated(input);
  await reauthenticate(services, user, input.body?.current_password, input.clientIp, 'totp_enrolment');
  const enrolment = await startEnrolment(services, user);
  if (enrolment.outcome === 'already_enabled') throw mfaAlreadyEnabled();
  if (enrolment.outcome === 'unavailable') throw mfaUnavailable();
  return { status: 201, body: { secret: enrolment.secret, otpauth_uri: enrolment.otpauth_uri } };
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

/** A lost authenticator: the second factor goes, and so does every session (whoever holds the phone is out). */
export const resetUserMfa: OperationHandler<'resetUserMfa'> = async (input, services) => {
  const admin = authenticated(input).user;
  const userId = input.path.id;
  const found = await withMail(services, async (trx, queue) => {
    const user = await findUserById(trx, userId);
    if (!user) return false;
    await deleteSecondFactor(trx, userId);
    await endAllSessionsOf(trx, userId, services.clock.now().toISOString());
    // Told only when a second factor was on: a pending enrolment or none is nothing to report.
    if (user.mfa_enabled === 1) await queue(user.email, { kind: 'mfa_disabled', by: 'admin' });
    return true;
  });
  if (!found) throw notFound('No user with this id.');
  audit(services.logger, 'mfa_reset', { user_id: userId, admin_id: admin.id });
  return { status: 204, body: undefined };
};
