/**
 * The benchmark's floor for GET /users/me: bare Koa doing only what no version of that operation can
 * skip — find the bearer token's user id (a Map, as a verified-token cache hit is), read that user's
 * row with a prepared better-sqlite3 statement, answer it as JSON. No routing, validation, logging,
 * metrics or CORS. Tokens are `user-1` … `user-50`. PORT, HOST and DATABASE_FILE (a new file) from the environment.
 */
import Database from 'better-sqlite3';
import Koa from 'koa';
import type { components } from '../../generated/api';

type User = components['schemas']['User'];

const USERS = 50;
const db = new Database(process.env.DATABASE_FILE ?? ':memory:');
db.pragma('journal_mode = WAL');
db.exec(
  'CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL, is_active INTEGER NOT NULL, created_at TEXT NOT NULL, email_verified INTEGER NOT NULL DEFAULT 0, pending_email TEXT)',
);
const insert = db.prepare('INSERT INTO users (username, email, role, is_active, created_at) VALUES (?, ?, ?, 1, ?)');
for (let i = 1; i <= USERS; i += 1)
  insert.run(`floor_${i}`, `floor_${i}@example.com`, 'user', new Date().toISOString());
const userById = db.prepare('SELECT * FROM users WHERE id = ?');
const userIdByToken = new Map(Array.from({ length: USERS }, (_, i) => [`user-${i + 1}`, i + 1]));

interface UserRow {
  id: number;
  username: string;
  email: string;
  role: User['roles'][number];
  is_active: number;
  created_at: string;
  email_verified: number;
  pending_email: string | null;
}

const app = new Koa();
app.use((ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  const id = userIdByToken.get(ctx.get('Authorization').replace(/^Bearer /, ''));
  const user = id === undefined ? undefined : (userById.get(id) as UserRow | undefined);
  if (!user) {
    ctx.status = 401;
    return;
  }
  // The same JSON as tollgate's answer (the spec's User), so both serialize the same work.
  const body: User = {
    id: user.id,
    username: user.username,
    email: user.email,
    is_active: user.is_active === 1,
    mfa_enabled: false,
    roles: [user.role],
    created_at: user.created_at,
    email_verified: user.email_verified === 1,
    pending_email: user.pending_email,
  };
  ctx.body = body;
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
