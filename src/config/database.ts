import type { EnvReader } from './env-reader';

export interface DatabaseConfig {
  readonly databaseUrl: string;
  /** Connections each instance keeps to PostgreSQL; SQLite always uses one. */
  readonly databasePoolSize: number;
  /** Seconds a request may wait for the database: a pooled connection, each statement, a lock, SQLite's busy wait. */
  readonly databaseTimeout: number;
  /** Seconds startup keeps retrying an unreachable database before it exits 1. */
  readonly databaseStartupTimeout: number;
}

export function readDatabaseConfig(read: EnvReader): DatabaseConfig {
  const databaseUrl = read.text('DATABASE_URL') ?? 'sqlite:./data/tollgate.db';
  const databaseProblem = checkDatabaseUrl(databaseUrl);
  if (databaseProblem) read.problems.push(databaseProblem);
  return {
    databaseUrl,
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseTimeout: read.integer('DATABASE_TIMEOUT', 5, 1, 300),
    databaseStartupTimeout: read.integer('DATABASE_STARTUP_TIMEOUT', 30, 1, 3600),
  };
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
