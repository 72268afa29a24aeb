import type { components } from '../generated/api';
import type { Logger } from './logger';

type Role = components['schemas']['Role'];
/** The login attempt limits (services/attempt-limits.ts) by name; here, below services/, because audit events carry it. */
export type LoginLimitName = 'username_ip' | 'ip';
/** The changes that need the current password besides the access token (handlers/reauthentication.ts). */
export type ReauthenticatedOperation =
  'email_change' | 'totp_enrolment' | 'totp_confirmation' | 'passkey_registration' | 'passkey_removal';

/**
 * Who administered: an admin user's login, or a client with `users:admin` acting for itself
 * (client credentials). Spread into the administration events.
 */
export type AdminActor = { readonly admin_id: number } | { readonly admin_client_id: string };

/** The second factor's and the sessions' audit events (part of AuditEvents below, which states the rules). */
export interface MfaAuditEvents {
  mfa_enrolment_started: { user_id: number };
  mfa_enabled: { user_id: number };
  mfa_disabled: { user_id: number; method: 'otp' | 'recovery_code' };
  mfa_recovery_codes_regenerated: { user_id: number; method: 'otp' | 'recovery_code' };
  /** An administrator removed the user's second factor (DELETE /users/{id}/mfa); their sessions ended. */
  mfa_reset: { user_id: number } & AdminActor;
  mfa_code_failed: { user_id: number };
  mfa_code_throttled: { user_id: number; retry_after: number };
  /** MFA_MAX_CONSECUTIVE_FAILURES wrong codes for the account, from any address: logged (and the owner mailed) once per trip. */
  mfa_account_locked: { user_id: number; retry_after: number; place: 'login' | 'account' };
  /** The right password of a user with a second factor: an mfa_token was answered. */
  mfa_challenge_issued: { user_id: number };
  mfa_login_failed: { user_id?: number; reason: 'unknown_token' | 'wrong_code' | 'superseded' };
  mfa_login_succeeded: { user_id: number; method: 'otp' | 'recovery_code' };
  session_ended: { user_id: number; family_id: string };
  passkey_registered: { user_id: number; passkey_id: number };
  passkey_registration_failed: {
    user_id: number;
    reason:
      | 'wrong_origin'
      | 'wrong_rp_id'
      | 'wrong_challenge'
      | 'user_verification_missing'
      | 'counter_regression'
      | 'invalid';
  };
  passkey_removed: { user_id: number; passkey_id: number };
  passkey_login_succeeded: { user_id: number; passkey_id: number };
  /** user_id is absent when the credential named no account (unknown user handle). */
  passkey_login_failed: { user_id?: number; reason: PasskeyFailure };
  /** A signature counter that did not increase: a cloned authenticator, or a replay raced another use. */
  passkey_counter_regression: { user_id?: number; reason: PasskeyFailure };
}

/** Why a passkey sign-in failed (services/passkeys/authentication.ts); here, below services/, because audit events carry it. */
export type PasskeyFailure =
  | 'malformed'
  | 'unknown_credential'
  | 'challenge'
  | 'inactive_user'
  | 'wrong_origin'
  | 'wrong_rp_id'
  | 'user_verification_missing'
  | 'counter_regression'
  | 'bad_signature';

/**
 * Every security event and exactly what it carries. Fields are ids, enums and numbers only: there
 * is no field a password, hash, token or secret could be put in by mistake.
 */
/** The authorization server's (docs/oauth.md). */
export interface OAuthAuditEvents {
  oauth_client_created: { client_id: string };
  oauth_client_deleted: { client_id: string };
  oauth_consent_granted: { user_id: number; client_id: string };
  oauth_consent_denied: { user_id: number; client_id: string };
  oauth_consent_withdrawn: { user_id: number; client_id: string };
  /** A code presented a second time: what its first use issued has been ended. */
  oauth_code_reuse_detected: { user_id: number; client_id: string };
  /** A client's secret replaced (POST /oauth/clients/{client_id}/secret); grace_seconds when the old one lives on a while. */
  oauth_client_secret_rotated: { client_id: string; grace_seconds?: number } & AdminActor;
  /** A client credentials grant answered a token of the client's own. */
  client_token_issued: { client_id: string; scope: string };
  /**
   * A client authentication refused. client_id is absent for an unknown client (the caller's free
   * text is not logged); throttled: past CLIENT_AUTH_MAX_FAILURES, the secret was not compared.
   */
  client_authentication_failed: {
    client_id?: string;
    reason: 'unknown_client' | 'wrong_secret' | 'public_client' | 'throttled';
    retry_after?: number;
  };
}

export interface AuditEvents extends MfaAuditEvents, OAuthAuditEvents {
  user_registered: { user_id: number };
  registration_throttled: { retry_after: number };
  login_succeeded: { user_id: number };
  /** user_id is absent for an unknown username; the username itself is not logged (people type passwords into it). */
  /** superseded: the password was right, but a password change, deactivation or logout everywhere committed before the session could start. */
  login_failed: {
    user_id?: number;
    reason: 'unknown_user' | 'wrong_password' | 'inactive_user' | 'superseded' | 'email_not_verified';
  };
  login_throttled: { user_id?: number; limit: LoginLimitName; retry_after: number };
  refresh_token_reuse_detected: { user_id: number; family_id: string };
  refresh_token_revoked: { user_id: number; family_id: string };
  logout_everywhere: { user_id: number };
  password_changed: { user_id: number };
  password_change_failed: { user_id: number; reason: 'wrong_password' };
  password_change_throttled: { user_id: number; limit: LoginLimitName; retry_after: number };
  /** A successful login replaced a hash at another cost, from before normalisation, or of another scheme. */
  password_rehashed: { user_id: number };
  /** An administrator changed a user (PATCH /users/{id}); only the fields that were sent. */
  user_updated: { user_id: number; is_active?: boolean; role?: Role; email_verified?: boolean } & AdminActor;
  /** user_id is absent when no active account has the address (logged after the answer was sent). */
  password_reset_requested: { user_id?: number };
  password_reset_completed: { user_id: number };
  email_verification_requested: { user_id: number };
  email_verified: { user_id: number };
  email_change_requested: { user_id: number; address_taken: boolean };
  /** A password-reset, verification or email-change request over EMAIL_MAX_PER_ADDRESS or EMAIL_REQUESTS_MAX_PER_IP. */
  mail_request_throttled: {
    operation: 'password_reset' | 'email_verification' | 'email_change';
    user_id?: number;
    retry_after: number;
  };
  /** A sensitive change sent without current_password (missing) or with a wrong one (which counts as a failed login). */
  reauthentication_failed: {
    user_id: number;
    operation: ReauthenticatedOperation;
    reason: 'missing' | 'wrong_password';
  };
  reauthentication_throttled: {
    user_id: number;
    operation: ReauthenticatedOperation;
    limit: LoginLimitName;
    retry_after: number;
  };
}

export type AuditEvent = keyof AuditEvents;

const WARNINGS: ReadonlySet<AuditEvent> = new Set<AuditEvent>([
  'login_throttled',
  'password_change_throttled',
  'registration_throttled',
  'refresh_token_reuse_detected',
  'mfa_code_throttled',
  'mail_request_throttled',
  'reauthentication_throttled',
  'mfa_account_locked',
  'oauth_code_reuse_detected',
  'passkey_counter_regression',
]);

/** Logs one event; pass the request's logger (services.logger in a handler) so the line carries the request id. */
export function audit<E extends AuditEvent>(logger: Logger, event: E, fields: AuditEvents[E]): void {
  const line: Record<string, unknown> = { audit: true, event, ...fields };
  const message: string = event;
  if (WARNINGS.has(event)) logger.warn(line, message);
  else logger.info(line, message);
}
