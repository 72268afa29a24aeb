import type { Grant, GrantRequest } from './grant';
import { secondFactorStep } from './mfa-step';

export type MfaOtpGrantRequest = GrantRequest<'urn:tollgate:params:oauth:grant-type:mfa-otp'>;

/** Completes a password grant that answered `mfa_required`, with a current authenticator code. */
export const mfaOtpGrant: Grant<'urn:tollgate:params:oauth:grant-type:mfa-otp'> = {
  metric: 'none',
  handle: (body: MfaOtpGrantRequest, input, services) => secondFactorStep(body.mfa_token, { method: 'otp', code: body.otp }, input, services),
};
