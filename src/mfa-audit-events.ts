import type { PasskeyFailure } from './services/passkeys/authentication';

/** The second factor's, the passkeys' and the sessions' audit events (see AuditEvents in audit.ts for the rules). */
export interface MfaAuditEvents {
  mfa_enrolment_started: { user_id: number };
  mfa_enabled: { user_id: number };
  mfa_disabled: { user_id: number; method: 'otp' | 'recovery_code' };
  mfa_recovery_codes_regenerated: { user_id: number; method: 'otp' | 'recovery_code' };
  /** An administrator removed the user's second factor (DELETE /users/{id}/mfa); their sessions ended. */
  mfa_reset: { user_id: number; admin_id: number };
  mfa_code_failed: { user_id: number };
  mfa_code_throttled: { user_id: number; retry_after: number };
  /** MFA_MAX_CONSECUTIVE_FAILURES wrong codes for the account, from any address: logged (and the owner mailed) once per trip. */
  mfa_account_locked: { user_id: number; retry_after: number };
  /** The right password of a user with a second factor: an mfa_token was answered. */
  mfa_challenge_issued: { user_id: number };
  mfa_login_failed: { user_id?: number; reason: 'unknown_token' | 'wrong_code' | 'superseded' };
  mfa_login_succeeded: { user_id: number; method: 'otp' | 'recovery_code' };
  session_ended: { user_id: number; family_id: string };
  passkey_registered: { user_id: number; passkey_id: number };
  passkey_registration_failed: { user_id: number; reason: 'wrong_origin' | 'wrong_rp_id' | 'wrong_challenge' | 'user_verification_missing' | 'counter_regression' | 'invalid' };
  passkey_removed: { user_id: number; passkey_id: number };
  passkey_login_succeeded: { user_id: number; passkey_id: number };
  /** user_id is absent when the credential named no account (unknown user handle). */
  passkey_login_failed: { user_id?: number; reason: PasskeyFailure };
  /** A signature counter that did not increase: a cloned authenticator, or a replay raced another use. */
  passkey_counter_regression: { user_id?: number; reason: PasskeyFailure };
}
