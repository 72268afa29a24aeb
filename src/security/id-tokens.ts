import { SignJWT } from 'jose';
import { epochSeconds, type Clock } from '../clock';
import type { UserRow } from '../db/schema';
import type { IdTokenKey } from './keys/id-token-keys';

/** What the code the ID token comes from says about the sign-in. */
export interface IdTokenLogin {
  readonly clientId: string;
  readonly nonce: string | null;
  /** ISO time of the sign-in. */
  readonly authTime: string;
  readonly amr: readonly string[];
  /** The sign-in's session (OpenID Connect Front-Channel Logout §3's `sid`). */
  readonly sid: string;
  readonly scopes: readonly string[];
}

/** OpenID Connect Core §2: the ID token, and the claims `profile` and `email` add (§5.4). */
export async function signIdToken(
  key: IdTokenKey,
  options: { issuer: string; ttlSeconds: number; clock: Clock },
  user: UserRow,
  login: IdTokenLogin,
): Promise<string> {
  const iat = epochSeconds(options.clock);
  const claims = {
    auth_time: Math.floor(Date.parse(login.authTime) / 1000),
    amr: [...login.amr],
    sid: login.sid,
    ...(login.nonce !== null && { nonce: login.nonce }),
    ...userClaims(user, login.scopes),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.signing.alg, typ: 'JWT', kid: key.signing.kid })
    .setIssuer(options.issuer)
    .setSubject(String(user.id))
    .setAudience(login.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .sign(key.signing.key);
}

/** The claims the scopes allow, for the ID token and UserInfo alike. */
export function userClaims(
  user: UserRow,
  scopes: readonly string[],
): { preferred_username?: string; email?: string; email_verified?: boolean } {
  return {
    ...(scopes.includes('profile') && { preferred_username: user.username }),
    ...(scopes.includes('email') && { email: user.email, email_verified: user.email_verified === 1 }),
  };
}
