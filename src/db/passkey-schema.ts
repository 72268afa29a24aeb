import type { Generated, Insertable, Selectable } from 'kysely';

/** A user's WebAuthn user handle: random bytes (base64url), the `user.id` every authenticator stores. */
export interface PasskeyUserHandleTable {
  user_id: number;
  handle: string;
}

/** A registered passkey (WebAuthn credential) of a user. */
export interface PasskeyTable {
  id: Generated<number>;
  user_id: number;
  /** base64url, unique across all users. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  /** bigint on PostgreSQL, read as a string there: compare with Number(). */
  counter: number | string;
  /** Comma-separated authenticator transports, as the browser reported them. */
  transports: string;
  name: string;
  aaguid: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  created_at: string;
  last_used_at: string | null;
}

export type PasskeyChallengePurpose = 'registration' | 'authentication';

/** A WebAuthn challenge waiting for its ceremony to finish; spent by one conditional UPDATE. */
export interface PasskeyChallengeTable {
  id: Generated<number>;
  challenge_id: string;
  challenge: string;
  purpose: PasskeyChallengePurpose;
  user_id: number | null;
  token_version: number | null;
  expires_at: string;
  used_at: string | null;
}

export type PasskeyRow = Selectable<PasskeyTable>;
export type NewPasskeyRow = Insertable<PasskeyTable>;
export type PasskeyChallengeRow = Selectable<PasskeyChallengeTable>;
export type NewPasskeyChallengeRow = Insertable<PasskeyChallengeTable>;
