/**
 * What the benchmark's hand-made servers (scripts/support/koa-user-read.ts, fastify-user-read.ts)
 * share: a SQLite file with tollgate's `users` and `sessions` columns, 50 users with one live
 * session each, the same statement tollgate's bearer check runs (the user row joined with the
 * token's session, src/repositories/sessions.repository.ts), the same checks on its answer and
 * the same JSON (the spec's User). Tokens are HS256 JWTs the bench mints with FLOOR_JWT_SECRET:
 * `sub` the user id, `sid` `session-<id>`, `ver` 0, `scope` `me`.
 */
import Database from 'better-sqlite3';
import type { components } from '../../generated/api';

type User = components['schemas']['User'];

export const FLOOR_USERS = 50;
export const FLOOR_ISSUER = 'http://127.0.0.1';
export const FLOOR_AUDIENCE = 'http://127.0.0.1';
export const floorSessionOf = (userId: number): string => `session-${userId}`;

export interface FloorClaims {
  readonly sub: string;
  readonly sid: string;
  readonly ver: number;
  readonly scope: string;
}

interface UserRow {
  id: number;
  username: string;
  email: string;
  role: User['roles'][number];
  is_active: number;
  token_version: number;
  created_at: string;
  mfa_enabled: number;
  email_verified: number;
  pending_email: string | null;
  session_live: number | null;
}

/** Opens (and fills) the floor's database; returns the one read every request makes. */
export function openFloorDatabase(file: string): (claims: FloorClaims) => User | undefined {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, username_normalized TEXT NOT NULL UNIQUE,
      email TEXT NOT NULL, email_normalized TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
      is_active INTEGER NOT NULL, token_version INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
      mfa_enabled INTEGER NOT NULL DEFAULT 0, email_verified INTEGER NOT NULL DEFAULT 0, pending_email TEXT);
    CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
      created_at TEXT NOT NULL, last_used_at TEXT NOT NULL, user_agent TEXT, ip TEXT NOT NULL, amr TEXT NOT NULL,
      revoked_at TEXT, client_id TEXT, sso_hash TEXT);`);
  const now = new Date().toISOString();
  const user = db.prepare(
    "INSERT OR IGNORE INTO users (id, username, username_normalized, email, email_normalized, password_hash, role, is_active, created_at) VALUES (?, ?, ?, ?, ?, '$2b$10$floor', 'user', 1, ?)",
  );
  const session = db.prepare(
    "INSERT OR IGNORE INTO sessions (id, user_id, created_at, last_used_at, ip, amr) VALUES (?, ?, ?, ?, '127.0.0.1', 'pwd')",
  );
  for (let id = 1; id <= FLOOR_USERS; id += 1) {
    user.run(id, `floor_${id}`, `floor_${id}`, `floor_${id}@example.com`, `floor_${id}@example.com`, now);
    session.run(floorSessionOf(id), id, now, now);
  }
  // The text Kysely compiles for findUserWithSession.
  const userWithSession = db.prepare(
    'select "users".*, case when "sessions"."id" is not null then 1 end as "session_live" from "users" left join "sessions" on "sessions"."id" = ? and "sessions"."user_id" = "users"."id" and "sessions"."revoked_at" is null where "users"."id" = ?',
  );
  return (claims) => {
    const row = userWithSession.get(claims.sid, Number(claims.sub)) as UserRow | undefined;
    if (!row || row.is_active !== 1 || row.token_version !== claims.ver || row.session_live !== 1) return undefined;
    if (!claims.scope.split(' ').includes('me')) return undefined;
    return {
      id: row.id,
      username: row.username,
      email: row.email,
      is_active: row.is_active === 1,
      mfa_enabled: row.mfa_enabled === 1,
      roles: [row.role],
      created_at: row.created_at,
      email_verified: row.email_verified === 1,
      pending_email: row.pending_email,
    };
  };
}
