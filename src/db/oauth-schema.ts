import type { Generated, Selectable } from 'kysely';

/** A registered relying party (docs/oauth.md). */
export interface OAuthClientTable {
  id: Generated<number>;
  client_id: string;
  name: string;
  type: 'public' | 'confidential';
  /** SHA-256 (hex) of the secret; null for public clients. */
  secret_hash: string | null;
  /** The secret a rotation with a grace period replaced, working until previous_secret_expires_at. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  /** Client tokens name it (`gen`); a rotation without grace bumps it, so the tokens minted before end at once. */
  token_generation: Generated<number>;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** Space-separated. */
  grant_types: string;
  scope: string;
  created_at: string;
}

export interface OAuthAuthorizationRequestTable {
  id: Generated<number>;
  id_hash: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  code_challenge: string;
  nonce: string | null;
  prompt: string | null;
  login_after: string | null;
  login_hint: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface OAuthCodeTable {
  id: Generated<number>;
  code_hash: string;
  client_id: string;
  user_id: number;
  redirect_uri: string;
  scope: string;
  code_challenge: string;
  nonce: string | null;
  login_session_id: string;
  auth_time: string;
  amr: string;
  expires_at: string;
  used_at: string | null;
  issued_session_id: string | null;
}

export interface OAuthConsentTable {
  id: Generated<number>;
  user_id: number;
  client_id: string;
  scope: string;
  granted_at: string;
}

export type OAuthClientRow = Selectable<OAuthClientTable>;
export type OAuthAuthorizationRequestRow = Selectable<OAuthAuthorizationRequestTable>;
export type OAuthCodeRow = Selectable<OAuthCodeTable>;
export type OAuthConsentRow = Selectable<OAuthConsentTable>;
