export type ResponseValidationMode = 'strict' | 'log' | 'off';

/** HS256 signs with a shared secret; the others with a private key whose public half we publish. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Undefined means "generate one" (refused in production). */
  readonly jwtSecret: string | undefined;
  readonly jwtAlgorithm: JwtAlgorithm;
  /** PEM private key; set exactly when jwtAlgorithm is asymmetric. */
  readonly jwtPrivateKeyFile: string | undefined;
  /** JWK Set of retired keys whose tokens still verify until they expire. */
  readonly jwtPreviousKeysFile: string | undefined;
  /** Base URL clients reach us at (no trailing slash); undefined = derived from each request. */
  readonly publicUrl: string | undefined;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  /** Seconds after a rotation during which the rotated token still answers its successor. */
  readonly refreshReuseGrace: number;
  /** Refresh tokens travel in an HttpOnly cookie instead of the response body. */
  readonly refreshCookie: boolean;
  readonly refreshCookieName: string;
  /** Browser origins allowed to call us (CORS) and to use the refresh cookie. */
  readonly allowedOrigins: readonly string[];
  readonly bcryptCost: number;
  readonly passwordThreads: number;
  /** Take the client IP from the last `X-Forwarded-For` entry (our own proxy's), not the socket. */
  readonly trustProxy: boolean;
  /** Failed password grants allowed per username and client IP within `loginFailureWindow`. */
  readonly loginMaxFailures: number;
  readonly loginMaxFailuresPerIp: number;
  /** Seconds; a sliding window. */
  readonly loginFailureWindow: number;
  readonly registrationMaxPerIp: number;
  readonly registrationWindow: number;
  readonly logLevel: string;
  readonly production: boolean;
  readonly responseValidation: ResponseValidationMode;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_PRODUCTION_SECRET_BYTES = 32;

/** Reads the environment once into a frozen, typed object; every problem is reported, one line each. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw !== 'true' && raw !== 'false') {
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    }
    return raw === 'true';
  };

  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/tollgate.db';
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite:') {
    problems.push(`DATABASE_URL must be sqlite:PATH or sqlite::memory: (got "${databaseUrl}")`);
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  const jwtAlgorithm = oneOf('JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');
  // Only HS256 needs the secret; an asymmetric key comes from its own file (read and checked at startup).
  if (jwtAlgorithm === 'HS256' && production && Buffer.byteLength(jwtSecret ?? '', 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
  }
  const jwtPrivateKeyFile = env.JWT_PRIVATE_KEY_FILE || undefined;
  if (jwtAlgorithm !== 'HS256' && jwtPrivateKeyFile === undefined) {
    problems.push(`JWT_PRIVATE_KEY_FILE must name a PEM private key file when JWT_ALGORITHM=${jwtAlgorithm}`);
  }
  if (jwtAlgorithm === 'HS256' && jwtPrivateKeyFile !== undefined) {
    problems.push('JWT_PRIVATE_KEY_FILE is only used with JWT_ALGORITHM=RS256, ES256 or EdDSA (JWT_ALGORITHM is HS256)');
  }
  const publicUrl = baseUrl(env.PUBLIC_URL, problems);

  const config: Config = {
    port: integer('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    jwtSecret,
    jwtAlgorithm,
    jwtPrivateKeyFile,
    jwtPreviousKeysFile: env.JWT_PREVIOUS_KEYS_FILE || undefined,
    publicUrl,
    jwtIssuer: env.JWT_ISSUER || publicUrl || 'tollgate',
    jwtAudience: env.JWT_AUDIENCE || 'tollgate',
    accessTokenTtl: integer('ACCESS_TOKEN_TTL', 900, 60, 86400),
    refreshTokenTtl: integer('REFRESH_TOKEN_TTL', 30 * 86400, 60, 365 * 86400),
    refreshReuseGrace: integer('REFRESH_REUSE_GRACE', 10, 0, 300),
    refreshCookie: boolean('REFRESH_COOKIE', false),
    refreshCookieName: cookieName(env.REFRESH_COOKIE_NAME, problems),
    allowedOrigins: origins(env.ALLOWED_ORIGINS, problems),
    bcryptCost: integer('BCRYPT_COST', 12, 4, 15),
    passwordThreads: integer('PASSWORD_THREADS', 2, 1, 64),
    trustProxy: boolean('TRUST_PROXY', false),
    loginMaxFailures: integer('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginMaxFailuresPerIp: integer('LOGIN_MAX_FAILURES_PER_IP', 100, 1, 1_000_000),
    loginFailureWindow: integer('LOGIN_FAILURE_WINDOW', 900, 1, 86400),
    registrationMaxPerIp: integer('REGISTRATION_MAX_PER_IP', 20, 1, 1_000_000),
    registrationWindow: integer('REGISTRATION_WINDOW', 3600, 1, 86400),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    responseValidation: oneOf('RESPONSE_VALIDATION', ['strict', 'log', 'off'] as const, production ? 'log' : 'strict'),
  };
  if (config.refreshCookie && config.allowedOrigins.length === 0) {
    problems.push('ALLOWED_ORIGINS must list the origins of your web app when REFRESH_COOKIE=true');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

const DEFAULT_REFRESH_COOKIE = 'tollgate_refresh';
// RFC 6265 §4.1.1: a cookie name is an RFC 7230 token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

function cookieName(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw === '') return DEFAULT_REFRESH_COOKIE;
  if (COOKIE_NAME.test(raw)) return raw;
  problems.push(`REFRESH_COOKIE_NAME must be a cookie name of letters, digits and !#$%&'*+-.^_\`|~ (got "${raw}")`);
  return DEFAULT_REFRESH_COOKIE;
}

/** An http(s) URL without query or fragment; a trailing slash is dropped so paths can be appended. */
function baseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    problems.push(`PUBLIC_URL must be an http(s) URL like https://auth.example.com (got "${raw}")`);
    return undefined;
  }
  return parsed.href.replace(/\/+$/, '');
}

/** Comma-separated origins, each exactly scheme://host[:port] as browsers send it in `Origin`. */
function origins(raw: string | undefined, problems: string[]): string[] {
  const list = (raw ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0);
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      problems.push(`ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "${origin}")`);
    }
  }
  return list;
}
