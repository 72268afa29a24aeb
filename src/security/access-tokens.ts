import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { epochSeconds, type Clock } from '../clock';

export interface AccessTokenClaims {
  sub: string;
  scope: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  jti: string;
  /** The user's token_version at issue; a bumped version ends the token at once. */
  ver: number;
}

export interface TokenSubject {
  readonly id: number;
  readonly token_version: number;
}

export interface AccessTokens {
  readonly ttlSeconds: number;
  /** Async because some signing algorithms (EdDSA) are only available through async APIs. */
  issue(user: TokenSubject, scopes: readonly string[]): Promise<string>;
  /** The token's claims, or undefined for any token that is not one of ours and currently valid. */
  verify(token: string): Promise<AccessTokenClaims | undefined>;
}

const ALGORITHM = 'HS256';
/** RFC 9068: a distinct `typ` keeps any other JWT signed with this key from passing as an access token. */
const TOKEN_TYPE = 'at+jwt';

export function createAccessTokens(options: { secret: Buffer; issuer: string; audience: string; ttlSeconds: number; clock: Clock }): AccessTokens {
  // A KeyObject made once: handing jsonwebtoken a string makes it re-parse the key on every call.
  const key: KeyObject = createSecretKey(options.secret);
  const { issuer, audience, ttlSeconds, clock } = options;

  return {
    ttlSeconds,
    async issue(user, scopes) {
      const iat = epochSeconds(clock);
      const claims: AccessTokenClaims = { sub: String(user.id), scope: scopes.join(' '), iat, exp: iat + ttlSeconds, iss: issuer, aud: audience, jti: randomUUID(), ver: user.token_version };
      return jwt.sign(claims, key, { algorithm: ALGORITHM, header: { alg: ALGORITHM, typ: TOKEN_TYPE } });
    },
    async verify(token) {
      try {
        const decoded = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer, audience, clockTimestamp: epochSeconds(clock), complete: true });
        return decoded.header.typ === TOKEN_TYPE && isAccessTokenClaims(decoded.payload) ? decoded.payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function isAccessTokenClaims(payload: unknown): payload is AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.sub === 'string' && /^[1-9]\d{0,9}$/.test(p.sub) && typeof p.scope === 'string' && typeof p.exp === 'number' && typeof p.iat === 'number' && typeof p.jti === 'string' && Number.isSafeInteger(p.ver);
}
