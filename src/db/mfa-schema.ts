import type { Generated, Selectable } from 'kysely';

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

export type SessionRow = Selectable<SessionTable>;
export type MfaTotpRow = Selectable<MfaTotpTable>;
export type MfaChallengeRow = Selectable<MfaChallengeTable>;
