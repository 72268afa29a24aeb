import { audit } from '../audit';
import { notFound } from '../http/errors';
import { withMail } from '../mail/mail-transaction';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { deleteSecondFactor } from '../repositories/mfa.repository';
import { findUserById } from '../repositories/users.repository';
import { confirmEnrolment, disableSecondFactor, regenerateRecoveryCodes as regenerate, startEnrolment } from '../services/mfa';
import { endAllSessionsOf } from '../services/refresh-sessions';

export const startTotpEnrolment: OperationHandler<'startTotpEnrolment'> = async (input, services) => {
  return { status: 201, body: await startEnrolment(services, authenticated(input).user) };
};

export const confirmTotpEnrolment: OperationHandler<'confirmTotpEnrolment'> = async (input, services) => {
  const recovery_codes = await confirmEnrolment(services, authenticated(input).user, input.body.code, input.clientIp);
  return { status: 200, body: { recovery_codes } };
};

export const disableTotp: OperationHandler<'disableTotp'> = async (input, services) => {
  await disableSecondFactor(services, authenticated(input).user, input.body.code, input.clientIp);
  return { status: 204, body: undefined };
};

export const regenerateRecoveryCodes: OperationHandler<'regenerateRecoveryCodes'> = async (input, services) => {
  const recovery_codes = await regenerate(services, authenticated(input).user, input.body.code, input.clientIp);
  return { status: 200, body: { recovery_codes } };
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
