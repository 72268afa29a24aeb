import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { epochSeconds, type Clock } from '../clock';
import type { KeyRing } from './keys/key-ring';
import { CLIENT_ID } from './oauth-secrets';

interface CommonClaims {
  sub: string;
  scope: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  jti: string;
}

/** A token a user's login (or an app acting for the user) holds: `sub` is the user's id. */
export interface UserAccessTokenClaims extends CommonClaims {
  /** The user's token_version at issue; a bumped version ends the token at once. */
  ver: number;
  /** The session (refresh family) the token belongs to; ending it ends the token at once. Absent only in tokens issued before sessions existed. */
  sid?: string;
  /** RFC 8176 authentication methods of the login. */
  amr?: string[];
  /** RFC 9068 §2.2: the OAuth client the token was issued to; absent for first-party logins. */
  client_id?: string;
  gen?: never;
}

/** A client's own token (client credentials grant): RFC 9068 §2.2 `sub` = `client_id`, no user, no session. */
export interface ClientAccessTokenClaims extends CommonClaims {
  client_id: string;
  /** The client's token_generation at issue: a rotation of a leaked secret ends the tokens it minted. */
  gen: number;
  ver?: never;
  sid?: never;
  amr?: never;
}

/** Which of the two a token is: a user token always has `ver`, a client token never. */
export type AccessTokenClaims = UserAccessTokenClaims | ClientAccessTokenClaims;

/** What the token says about the login it comes from. */
export interface TokenSession {
  readonly sid: string;
  readonly amr: readonly string[];
  /** The registered client the session belongs to (authorization code grant). */
  readonly clientId?: string;
}

export interface TokenClient {
  readonly client_id: string;
  readonly token_generation: number;
}

export interface TokenSubject {
  readonly id: number;
  readonly token_version: number;
}

export interface AccessTokens {
  readonly ttlSeconds: number;
  /** Async because some signing algorithms (EdDSA) are only available through async APIs. */
  issue(user: TokenSubject, scopes: readonly string[], session?: TokenSession): Promise<string>;
  /** A client's own token (RFC 6749 §4.4): no refresh token, no session. */
  issueForClient(client: TokenClient, scopes: readonly string[]): Promise<string>;
  /** The token's claims, or undefined for any token that is not one of ours and currently valid. */
  verify(token: string): Promise<AccessTokenClaims | undefined>;
}

/** RFC 9068: a distinct `typ` keeps any other JWT signed with this key from passing as an access token. */
const TOKEN_TYPE = 'at+jwt';
/**
 * How far apart two servers' clocks may be: a token issued by an instance whose clock runs a little
 * ahead must not be refused as "issued in the future". Only `iat` gets it; `exp` and `nbf` are exact.
 */
export const CLOCK_SKEW_SECONDS = 30;

export function createAccessTokens(options: {
  keys: KeyRing;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clock: Clock;
}): AccessTokens {
  const { keys, issuer, audience, ttlSeconds, clock } = options;
  const { signing } = keys;

  const commonClaims = (sub: string, scopes: readonly string[]): CommonClaims => {
    const iat = epochSeconds(clock);
    return { sub, scope: scopes.join(' '), iat, exp: iat + ttlSeconds, iss: issuer, aud: audience, jti: randomUUID() };
  };
  const sign = (claims: AccessTokenClaims): Promise<string> => signed(claims, signing);

  return {
    ttlSeconds,
    async issue(user, scopes, session) {
      const claims: UserAccessTokenClaims = { ...commonClaims(String(user.id), scopes), ver: user.token_version };
      if (session)
        Object.assign(
          claims,
          { sid: session.sid, amr: [...session.amr] },
          session.clientId !== undefined && { client_id: session.clientId },
        );
      return sign(claims);
    },
    async issueForClient(client, scopes) {
      return sign({
        ...commonClaims(client.client_id, scopes),
        client_id: client.client_id,
        gen: client.token_generation,
      });
    },
    async verify(token) {
      if (!isCanonicalCompactJws(token)) return undefined;
      try {
        const key = keys.verificationKeyFor(decodeProtectedHeader(token).kid);
        if (!key) return undefined;
        // Each key verifies with its own algorithm only: no `none`, no HS256 token checked against an RSA key.
        const { payload } = await jwtVerify(token, key.key, {
          algorithms: [key.alg],
          typ: TOKEN_TYPE,
          issuer,
          audience,
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate: clock.now(),
        });
        return isAccessTokenClaims(payload) && plausibleLifetime(payload, epochSeconds(clock), ttlSeconds)
          ? payload
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function signed(claims: AccessTokenClaims, signing: KeyRing['signing']): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: signing.alg, typ: TOKEN_TYPE, kid: signing.kid })
    .sign(signing.key);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * jose decodes base64url leniently: another final character with the same decoded bytes, or a
 * trailing `=`, verifies too, so one token would have many spellings (and many cache entries, and
 * as many "distinct" tokens for anything keyed by the string). Only the encoding we would write ourselves
 * is accepted: each of the three segments must re-encode to itself.
 */
function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return (
    segments.length === 3 &&
    segments.every(
      (segment) => BASE64URL.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment,
    )
  );
}

/** Tokens we issue live exactly ttlSeconds from a past iat; anything else was not minted by us. */
function plausibleLifetime(claims: AccessTokenClaims, now: number, ttlSeconds: number): boolean {
  return claims.iat <= now + CLOCK_SKEW_SECONDS && claims.exp - claims.iat <= ttlSeconds + CLOCK_SKEW_SECONDS;
}

const USER_ID = /^[1-9]\d{0,9}$/;

function isAccessTokenClaims(payload: unknown): payload is AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  const common =
    typeof p.sub === 'string' &&
    typeof p.scope === 'string' &&
    typeof p.exp === 'number' &&
    typeof p.iat === 'number' &&
    typeof p.jti === 'string' &&
    (p.client_id === undefined || typeof p.client_id === 'string');
  if (!common) return false;
  if (p.ver === undefined)
    // A client's token names nothing but the client: no user, session or login methods.
    return (
      p.client_id === p.sub &&
      CLIENT_ID.test(p.sub as string) &&
      Number.isSafeInteger(p.gen) &&
      p.sid === undefined &&
      p.amr === undefined
    );
  return (
    USER_ID.test(p.sub as string) &&
    p.gen === undefined &&
    Number.isSafeInteger(p.ver) &&
    (p.sid === undefined || typeof p.sid === 'string') &&
    (p.amr === undefined || (Array.isArray(p.amr) && p.amr.every((m) => typeof m === 'string')))
  );
}
