// Passkeys (docs/passkeys.md): registration refusals with a reason a client can act on, and the one sign-in refusal.
import { ApiError, OAuthError, type ProblemCode } from './problem';

export type PasskeyRefusalCode = Extract<ProblemCode, `passkey_${string}`>;

const PASSKEY_REFUSALS: Record<Exclude<PasskeyRefusalCode, 'passkey_limit_reached'>, string> = {
  passkey_challenge_invalid: 'The challenge is unknown, expired or already used; start again.',
  passkey_origin_mismatch: 'The passkey was created on an origin this server does not accept.',
  passkey_rp_id_mismatch: 'The passkey was created for another relying party ID.',
  passkey_user_verification_missing: 'The authenticator did not verify the user (PIN or biometrics).',
  passkey_already_registered: 'This passkey is registered already.',
  passkey_invalid: 'The passkey response could not be verified.',
};

/** A registration the server refused, with the reason a client (or its developer) can act on. */
export const passkeyRefused = (code: Exclude<PasskeyRefusalCode, 'passkey_limit_reached'>): ApiError =>
  new ApiError(400, code, PASSKEY_REFUSALS[code]);

export const passkeyLimitReached = (max: number): ApiError =>
  new ApiError(409, 'passkey_limit_reached', `An account has at most ${max} passkeys; remove one first.`);

// One answer for every failed passkey sign-in: unknown credential, bad signature, wrong origin, spent challenge, deactivated user.
export const invalidPasskeyLogin = (): OAuthError =>
  new OAuthError('invalid_grant', 'The passkey sign-in is invalid or expired.');
