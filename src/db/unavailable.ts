/**
 * Which database failures mean "the database cannot serve us right now" (answered 503 with
 * Retry-After, retried at startup) rather than a bug (500). One place decides, for both engines.
 */
export type DatabaseErrorKind =
  | 'connection'
  | 'timeout'
  | 'lock_timeout'
  | 'resources'
  | 'disk_full'
  | 'busy'
  | 'io'
  | 'read_only'
  | 'file_replaced'
  | 'conflict';

/** The SQLite file we opened was unlinked or replaced: a write now would be acknowledged and then lost. */
export class DatabaseFileGoneError extends Error {
  readonly kind = 'file_replaced';
}

// SQLSTATE → kind. Class 08 is "connection exception"; 57P0x the server shutting down or starting up.
const POSTGRES_CODES: Readonly<Record<string, DatabaseErrorKind>> = {
  '57P01': 'connection', // admin_shutdown: restart, failover
  '57P02': 'connection', // crash_shutdown
  '57P03': 'connection', // cannot_connect_now: starting up, in recovery
  '57014': 'timeout', // query_canceled: statement_timeout
  '55P03': 'lock_timeout', // lock_not_available: lock_timeout
  '53300': 'resources', // too_many_connections
  '53100': 'disk_full',
  '53200': 'resources', // out_of_memory
  '25006': 'read_only', // read_only_sql_transaction: a failover left us on a standby
  '40P01': 'conflict', // deadlock_detected: our transaction was the one rolled back; a retry succeeds
  '40001': 'conflict', // serialization_failure: the same
};

const NODE_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// pg's own errors carry no code, only these messages.
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Client was closed/,
];

/** The kind of an unavailable-database failure, or undefined for any other error. */
export function databaseUnavailableKind(error: unknown): DatabaseErrorKind | undefined {
  if (error instanceof DatabaseFileGoneError) return error.kind;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return codeKind(code);
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(message)))
    return 'connection';
  return undefined;
}

function codeKind(code: string): DatabaseErrorKind | undefined {
  if (code.startsWith('SQLITE_')) return sqliteKind(code);
  if (NODE_CONNECTION_CODES.has(code) || code.startsWith('08')) return 'connection';
  return POSTGRES_CODES[code];
}

function sqliteKind(code: string): DatabaseErrorKind | undefined {
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'io';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  return undefined;
}
