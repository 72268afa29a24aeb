import { availableParallelism } from 'node:os';
import { loadMailConfig, type MailConfig } from './mail/mail-config';

export type ResponseValidationMode = 'strict' | 'log' | 'off';

/** HS256 signs with a shared secret; the others with a private key whose public half we publish. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Connections each instance keeps to PostgreSQL; SQLite always uses one. */
  readonly databasePoolSize: number;
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
  /** Processes serving the port (node:cluster); 1 means no cluster. */
  readonly workers: number;
  /** Bearer token that unlocks GET /metrics; without one, /metrics is open outside production and absent in it. */
  readonly metricsToken: string | undefined;
  /** Seconds to let in-flight requests finish after SIGTERM/SIGINT before their connections are cut. */
  readonly shutdownTimeout: number;
  /** Seconds a client has to send its request headers (slow-headers clients are cut off). */
  readonly headersTimeout: number;
  /** Seconds a client has to send its whole request, headers and body; the handler's own time is not counted. */
  readonly requestTimeout: number;
  /** Seconds an idle keep-alive connection stays open between requests. */
  readonly keepAliveTimeout: number;
  /** SMTP, links, token lifetimes and limits of the password-reset and email-verification flows. */
  readonly mail: MailConfig;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_PRODUCTION_SECRET_BYTES = 32;

const MAX_WORKERS = 64;
const MIN_METRICS_TOKEN_LENGTH = 16;

/**
 * Reads the environment once into a frozen, typed object; every problem is reported, one line each.
 * `cpuCount` sizes `WORKERS=auto` and the default hashing pool; a parameter so tests can fix it.
 */
export function loadConfig(env: Env, cpuCount: number = availableParallelism()): Config {
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
  const databaseProblem = checkDatabaseUrl(databaseUrl);
  if (databaseProblem) problems.push(databaseProblem);
  const jwtSecret = env.JWT_SECRET || undefined;
  const jwtAlgorithm = oneOf('JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');
  // Only HS256 needs the secret; an asymmetric key comes from its own file (read and checked at startup).
  if (jwtAlgorithm === 'HS256' && production && Buffer.byteLength(jwtSecret ?? '', 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
  }
  // A generated secret lives beside the SQLite file; instances sharing PostgreSQL must share one they are given.
  if (jwtAlgorithm === 'HS256' && isPostgresUrl(databaseUrl) && jwtSecret === undefined) {
    problems.push('JWT_SECRET must be set when DATABASE_URL is PostgreSQL: every instance must sign and verify with the same secret');
  }
  const jwtPrivateKeyFile = env.JWT_PRIVATE_KEY_FILE || undefined;
  if (jwtAlgorithm !== 'HS256' && jwtPrivateKeyFile === undefined) {
    problems.push(`JWT_PRIVATE_KEY_FILE must name a PEM private key file when JWT_ALGORITHM=${jwtAlgorithm}`);
  }
  if (jwtAlgorithm === 'HS256' && jwtPrivateKeyFile !== undefined) {
    problems.push('JWT_PRIVATE_KEY_FILE is only used with JWT_ALGORITHM=RS256, ES256 or EdDSA (JWT_ALGORITHM is HS256)');
  }
  const publicUrl = baseUrl(env.PUBLIC_URL, problems);

  const workers = workerCount(env.WORKERS, cpuCount, problems);
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < MIN_METRICS_TOKEN_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  if (workers > 1 && databaseUrl === 'sqlite::memory:') {
    problems.push('WORKERS above 1 needs a database the workers share, not sqlite::memory:');
  }

  const config: Config = {
    port: integer('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 1000),
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
    // Bcrypt keeps a core busy per thread: all workers' pools together stay within the cores.
    passwordThreads: integer('PASSWORD_THREADS', Math.max(1, Math.floor(cpuCount / workers)), 1, 64),
    trustProxy: boolean('TRUST_PROXY', false),
    loginMaxFailures: integer('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginMaxFailuresPerIp: integer('LOGIN_MAX_FAILURES_PER_IP', 100, 1, 1_000_000),
    loginFailureWindow: integer('LOGIN_FAILURE_WINDOW', 900, 1, 86400),
    registrationMaxPerIp: integer('REGISTRATION_MAX_PER_IP', 20, 1, 1_000_000),
    registrationWindow: integer('REGISTRATION_WINDOW', 3600, 1, 86400),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    // Off in production: every test runs strict, and checking each response cost 20 % of the
    // instructions of GET /todos (a page of 20) and about 3 % of GET /users/me (npm run bench:instructions).
    responseValidation: oneOf('RESPONSE_VALIDATION', ['strict', 'log', 'off'] as const, production ? 'off' : 'strict'),
    workers,
    metricsToken,
    shutdownTimeout: integer('SHUTDOWN_TIMEOUT', 10, 0, 3600),
    headersTimeout: integer('HEADERS_TIMEOUT', 10, 1, 300),
    requestTimeout: integer('REQUEST_TIMEOUT', 30, 1, 3600),
    keepAliveTimeout: integer('KEEP_ALIVE_TIMEOUT', 5, 1, 3600),
    mail: loadMailConfig(env, production, integer, boolean, problems),
  };
  // Node refuses a headers timeout longer than the request timeout; say so here rather than at listen().
  if (config.headersTimeout > config.requestTimeout) {
    problems.push(`HEADERS_TIMEOUT (${config.headersTimeout}) must not exceed REQUEST_TIMEOUT (${config.requestTimeout})`);
  }
  if (config.refreshCookie && config.allowedOrigins.length === 0) {
    problems.push('ALLOWED_ORIGINS must list the origins of your web app when REFRESH_COOKIE=true');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

/** The one place that decides which URLs name a database we can open (src/db/database.ts opens them). */
function checkDatabaseUrl(url: string): string | undefined {
  const expected = 'DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://USER@HOST[:PORT]/DATABASE';
  if (url.startsWith('sqlite:')) return url === 'sqlite:' ? `${expected} (got "sqlite:")` : undefined;
  if (!isPostgresUrl(url)) return `${expected} (got "${redactPassword(url)}")`;
  try {
    const parsed = new URL(url);
    if (parsed.hostname !== '' && parsed.pathname.length > 1) return undefined;
  } catch {
    // Reported below, like any other malformed URL.
  }
  return `${expected} (got "${redactPassword(url)}")`;
}

/** A URL may carry a password: problems are printed, so it never appears in them. */
function redactPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** `WORKERS`: a count, or `auto` for one per CPU; 1 when unset. */
function workerCount(raw: string | undefined, cpuCount: number, problems: string[]): number {
  if (raw === undefined || raw === '') return 1;
  if (raw === 'auto') return Math.max(1, Math.min(cpuCount, MAX_WORKERS));
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= 1 && value <= MAX_WORKERS) return value;
  problems.push(`WORKERS must be auto or an integer from 1 to ${MAX_WORKERS} (got "${raw}")`);
  return 1;
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
