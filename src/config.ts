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
  readonly bcryptCost: number;
  readonly passwordThreads: number;
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

  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/tollgate.db';
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite:') {
    problems.push(`DATABASE_URL must be sqlite:PATH or sqlite::memory: (got "${databaseUrl}")`);
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (production && Buffer.byteLength(jwtSecret ?? '', 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`);
  }

  const config: Config = {
    port: integer('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    jwtSecret,
    jwtIssuer: env.JWT_ISSUER || 'tollgate',
    jwtAudience: env.JWT_AUDIENCE || 'tollgate',
    accessTokenTtl: integer('ACCESS_TOKEN_TTL', 900, 60, 86400),
    bcryptCost: integer('BCRYPT_COST', 12, 4, 15),
    passwordThreads: integer('PASSWORD_THREADS', 2, 1, 64),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    responseValidation: oneOf('RESPONSE_VALIDATION', ['strict', 'log', 'off'] as const, production ? 'log' : 'strict'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
