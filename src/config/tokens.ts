import type { EnvReader } from './env-reader';

/** HS256 signs with a shared secret; the others with a private key whose public half we publish. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** An HS256 key shorter than its 32-byte output can be brute-forced from one token (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

export interface SigningConfig {
  /** Undefined means "generate one" (refused in production). */
  readonly jwtSecret: string | undefined;
  readonly jwtAlgorithm: JwtAlgorithm;
  /** PEM private key; set exactly when jwtAlgorithm is asymmetric. */
  readonly jwtPrivateKeyFile: string | undefined;
  /** JWK Set of retired keys whose tokens still verify until they expire. */
  readonly jwtPreviousKeysFile: string | undefined;
}

export interface TokenConfig {
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  /** Seconds after a rotation during which the rotated token still answers its successor. */
  readonly refreshReuseGrace: number;
  /** Refresh tokens travel in an HttpOnly cookie instead of the response body. */
  readonly refreshCookie: boolean;
  readonly refreshCookieName: string;
}

export function readSigningConfig(read: EnvReader, production: boolean): SigningConfig {
  const jwtSecret = read.text('JWT_SECRET');
  const jwtAlgorithm = read.oneOf('JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');
  const jwtPrivateKeyFile = read.text('JWT_PRIVATE_KEY_FILE');
  checkSigningKey(read.problems, { jwtSecret, jwtAlgorithm, jwtPrivateKeyFile }, production);
  return { jwtSecret, jwtAlgorithm, jwtPrivateKeyFile, jwtPreviousKeysFile: read.text('JWT_PREVIOUS_KEYS_FILE') };
}

export function readTokenConfig(read: EnvReader, publicUrl: string | undefined): TokenConfig {
  return {
    jwtIssuer: read.text('JWT_ISSUER') ?? publicUrl ?? 'tollgate',
    jwtAudience: read.text('JWT_AUDIENCE') ?? 'tollgate',
    accessTokenTtl: read.integer('ACCESS_TOKEN_TTL', 900, 60, 86400),
    refreshTokenTtl: read.integer('REFRESH_TOKEN_TTL', 30 * 86400, 60, 365 * 86400),
    refreshReuseGrace: read.integer('REFRESH_REUSE_GRACE', 10, 0, 300),
    refreshCookie: read.boolean('REFRESH_COOKIE', false),
    refreshCookieName: cookieName(read.text('REFRESH_COOKIE_NAME'), read.problems),
  };
}

type SigningKey = Pick<SigningConfig, 'jwtSecret' | 'jwtAlgorithm' | 'jwtPrivateKeyFile'>;

function checkSigningKey(
  problems: string[],
  { jwtSecret, jwtAlgorithm, jwtPrivateKeyFile }: SigningKey,
  production: boolean,
): void {
  // Only HS256 needs the secret; an asymmetric key comes from its own file (read and checked at startup).
  if (jwtAlgorithm === 'HS256' && production && jwtSecret === undefined) {
    problems.push(`JWT_SECRET must be set (at least ${MIN_SECRET_BYTES} random bytes) when NODE_ENV=production`);
  }
  // In every mode: a short key signs tokens anyone can forge after cracking one.
  if (jwtAlgorithm === 'HS256' && jwtSecret !== undefined && Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
    problems.push(
      `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(jwtSecret, 'utf8')}); generate one with: openssl rand -base64 48`,
    );
  }
  if (jwtAlgorithm !== 'HS256' && jwtPrivateKeyFile === undefined) {
    problems.push(`JWT_PRIVATE_KEY_FILE must name a PEM private key file when JWT_ALGORITHM=${jwtAlgorithm}`);
  }
  if (jwtAlgorithm === 'HS256' && jwtPrivateKeyFile !== undefined) {
    problems.push(
      'JWT_PRIVATE_KEY_FILE is only used with JWT_ALGORITHM=RS256, ES256 or EdDSA (JWT_ALGORITHM is HS256)',
    );
  }
}

/** `__Host-`: Secure, Path=/, no Domain, and no other site or subdomain can set it (refresh-cookie.ts). */
const DEFAULT_REFRESH_COOKIE = '__Host-tollgate_refresh';
// RFC 6265 §4.1.1: a cookie name is an RFC 7230 token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

function cookieName(raw: string | undefined, problems: string[]): string {
  if (raw === undefined) return DEFAULT_REFRESH_COOKIE;
  if (COOKIE_NAME.test(raw)) return raw;
  problems.push(`REFRESH_COOKIE_NAME must be a cookie name of letters, digits and !#$%&'*+-.^_\`|~ (got "${raw}")`);
  return DEFAULT_REFRESH_COOKIE;
}
