import { availableParallelism } from 'node:os';

export type ResponseValidationMode = 'strict' | 'log' | 'off';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Undefined means "generate one" (refused in production). */
  readonly jwtSecret: string | undefined;
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
  readonly logLevel: string;
  readonly production: boolean;
  readonly responseValidation: ResponseValidationMode;
  /** Processes serving the port (node:cluster); 1 means no cluster. */
  readonly workers: number;
  /** Bearer token that unlocks GET /metrics; without one, /metrics is open outside production and absent in it. */
  readonly metricsToken: string | undefined;
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
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite:') {
    problems.push(`DATABASE_URL must be sqlite:PATH or sqlite::memory: (got "${databaseUrl}")`);
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (production && Buffer.byteLength(jwtSecret ?? '', 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
  }

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
    jwtSecret,
    jwtIssuer: env.JWT_ISSUER || 'tollgate',
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
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    responseValidation: oneOf('RESPONSE_VALIDATION', ['strict', 'log', 'off'] as const, production ? 'log' : 'strict'),
    workers,
    metricsToken,
  };
  if (config.refreshCookie && config.allowedOrigins.length === 0) {
    problems.push('ALLOWED_ORIGINS must list the origins of your web app when REFRESH_COOKIE=true');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
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
