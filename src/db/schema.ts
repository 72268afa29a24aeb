import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { components } from '../../generated/api';
import type {
  OAuthAuthorizationRequestTable,
  OAuthClientTable,
  OAuthCodeTable,
  OAuthConsentTable,
} from './oauth-schema';
import type { PasskeyChallengeTable, PasskeyTable, PasskeyUserHandleTable } from './passkey-schema';

type Role = components['schemas']['Role'];

/**
 * The database as Kysely sees it, in one place. Booleans are stored as 0/1 integers and
 * timestamps as ISO-8601 UTC text so that SQLite and PostgreSQL hold the same values.
 */
export interface UserTable {
  id: Generated<number>;
  username: string;
  /** Lower-cased copies carry the unique indexes: names and emails are unique case-insensitively. */
  username_normalized: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  role: Role;
  is_active: number;
  /** Access tokens carry the version they were issued under; bumping it ends every session. */
  token_version: Generated<number>;
  created_at: string;
  /** 1 once a TOTP authenticator is confirmed: the password grant then asks for the second factor. */
  mfa_enabled: Generated<number>;
  /** 1 once the user proved they read mail at `email` (or an admin or the CLI said so). */
  email_verified: Generated<number>;
  /** An address waiting for its confirmation link to be used; null when none. */
  pending_email: Generated<string | null>;
}

export interface TodoTable {
  id: Generated<number>;
  owner_id: number;
  title: string;
  done: number;
  created_at: string;
  updated_at: string;
}

/** One row per refresh token ever issued; a family is the chain of rotations from one login. */
export interface RefreshTokenTable {
  id: Generated<number>;
  token_hash: string;
  family_id: string;
  user_id: number;
  scope: string;
  created_at: string;
  expires_at: string;
  rotated_at: string | null;
  successor_sealed: string | null;
  revoked_at: string | null;
  /** The user's token_version when the family began; refresh refuses it once the user's has moved on. */
  token_version: number;
  /** The OAuth client the family was issued to (refreshing needs it); null for first-party logins. */
  client_id: Generated<string | null>;
}

/** One counted attempt (a failed login, a registration) while it is inside its sliding window. */
export interface ThrottleEventTable {
  id: Generated<number>;
  key: string;
  expires_at: string;
}

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

/** A token mailed to a user; only its SHA-256 is kept. Single use: `used_at` is set by one conditional UPDATE. */
export interface AccountTokenTable {
  id: Generated<number>;
  token_hash: string;
  purpose: AccountTokenPurpose;
  user_id: number;
  /** The address a verification token proves; null for password resets. */
  email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export type MailStatus = 'pending' | 'sent' | 'failed';

/** A mail waiting to be sent (or the record that it was); written in the transaction that made its token. */
export interface MailOutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  created_at: string;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}

/** A login (refresh-token family; id = family_id) as the user sees it in GET /users/me/sessions. */
export interface SessionTable {
  id: string;
  user_id: number;
  created_at: string;
  last_used_at: string;
  user_agent: string | null;
  ip: string;
  /** RFC 8176 methods, space-separated. */
  amr: string;
  /** Set when the user ends this one session: its access tokens fail the security handler's join. */
  revoked_at: string | null;
  /** The OAuth client whose tokens this session holds; null for a first-party login. */
  client_id: Generated<string | null>;
  /** SHA-256 of the hosted pages' sign-in cookie when this session is the browser's single sign-on. */
  sso_hash: Generated<string | null>;
}

export interface MfaTotpTable {
  user_id: number;
  secret_sealed: string;
  key_id: string;
  created_at: string;
  /** Null while the enrolment is pending. */
  confirmed_at: string | null;
  /** bigint on PostgreSQL, read as a string there: compare with Number(). */
  last_step: number | string | null;
}

export interface MfaRecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** The pending second step of a password grant, found by the hash of its mfa_token. */
export interface MfaChallengeTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  scope: string;
  token_version: number;
  expires_at: string;
  failures: Generated<number>;
  used_at: string | null;
}

/** Every table, as Kysely sees it. */
export interface Database {
  users: UserTable;
  todos: TodoTable;
  refresh_tokens: RefreshTokenTable;
  throttle_events: ThrottleEventTable;
  account_tokens: AccountTokenTable;
  mail_outbox: MailOutboxTable;
  sessions: SessionTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  mfa_challenges: MfaChallengeTable;
  oauth_clients: OAuthClientTable;
  oauth_authorization_requests: OAuthAuthorizationRequestTable;
  oauth_codes: OAuthCodeTable;
  oauth_consents: OAuthConsentTable;
  passkeys: PasskeyTable;
  passkey_user_handles: PasskeyUserHandleTable;
  passkey_challenges: PasskeyChallengeTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type TodoRow = Selectable<TodoTable>;
export type NewTodoRow = Insertable<TodoTable>;
export type TodoChanges = Updateable<TodoTable>;
export type UserChanges = Updateable<UserTable>;
export type RefreshTokenRow = Selectable<RefreshTokenTable>;
export type NewRefreshTokenRow = Insertable<RefreshTokenTable>;
export type AccountTokenRow = Selectable<AccountTokenTable>;
export type MailOutboxRow = Selectable<MailOutboxTable>;
export type NewMailOutboxRow = Insertable<MailOutboxTable>;
export type SessionRow = Selectable<SessionTable>;
export type MfaTotpRow = Selectable<MfaTotpTable>;
export type MfaChallengeRow = Selectable<MfaChallengeTable>;
