import type { Grant, GrantRequest } from './grant';
import { secondFactorStep } from './mfa-step';

export type MfaRecoveryCodeGrantRequest = GrantRequest<'urn:tollgate:params:oauth:grant-type:mfa-recovery-code'>;

/** Completes a password grant that answered `mfa_required`, with an unused recovery code (then spent). */
export const mfaRecoveryCodeGrant: Grant<'urn:tollgate:params:oauth:grant-type:mfa-recovery-code'> = {
  metric: 'none',
  handle: (body: MfaRecoveryCodeGrantRequest, input, services) => secondFactorStep(body.mfa_token, { method: 'recovery_code', code: body.recovery_code }, input, services),
};
