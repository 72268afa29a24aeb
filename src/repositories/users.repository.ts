import { CompiledQuery, type Kysely } from 'kysely';
import type { Database, NewUserRow, UserChanges, UserRow } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import { perRequestRead } from '../db/per-request-reads';
import { startsWith } from '../db/sql';

type Db = Kysely<Database>;

/** What a write refused by a unique index (username or email already someone's) returns instead of a row. */
export const TAKEN = 'taken';

async function unlessTaken<T>(write: Promise<T>): Promise<T | typeof TAKEN> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) return TAKEN;
    throw error;
  }
}

/** The unique indexes on the normalized username and email are the guard, races included. */
export async function insertUser(db: Db, user: NewUserRow): Promise<UserRow | typeof TAKEN> {
  return unlessTaken(db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow());
}

// The refresh grant, the second factor, passkeys and admin read a user by id: compiled once per
// database, only the id bound.
const userByIdSql = perRequestRead((db) => db.selectFrom('users').selectAll().where('id', '=', 0));

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const { rows } = await db.executeQuery<UserRow>(CompiledQuery.raw(userByIdSql(db), [id]));
  return rows[0];
}

export async function findUserByNormalizedUsername(db: Db, usernameNormalized: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_normalized', '=', usernameNormalized).executeTakeFirst();
}

export async function findUserByNormalizedEmail(db: Db, emailNormalized: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst();
}

export async function existsUserWithNameOrEmail(
  db: Db,
  usernameNormalized: string,
  emailNormalized: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) =>
      eb.or([eb('username_normalized', '=', usernameNormalized), eb('email_normalized', '=', emailNormalized)]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateUser(db: Db, id: number, changes: UserChanges): Promise<UserRow | undefined> {
  return db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Every access token issued before this stops verifying (they carry the old version). */
export async function incrementTokenVersion(db: Db, id: number): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ token_version: eb('token_version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/**
 * Takes the user's row lock (a no-op UPDATE) if they are still active at this token version; false
 * otherwise. Held until the transaction ends, it orders a login against a concurrent password change,
 * deactivation or logout everywhere (each updates this row first): on PostgreSQL this UPDATE waits for
 * theirs to commit and then sees the new version; on SQLite writers never overlap.
 */
export async function lockUserAtTokenVersion(db: Db, id: number, tokenVersion: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set((eb) => ({ token_version: eb.ref('token_version') }))
    .where('id', '=', id)
    .where('token_version', '=', tokenVersion)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Replaces the hash only if it is still the one that was verified: a concurrent password change wins. */
export async function replacePasswordHash(db: Db, id: number, verifiedHash: string, newHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: newHash })
    .where('id', '=', id)
    .where('password_hash', '=', verifiedHash)
    .execute();
}

export interface UserPageQuery {
  /** Users after this id (0 for the first page), oldest first. */
  readonly afterId: number;
  readonly limit: number;
  /** Already lower-cased: compared with the normalized username. */
  readonly usernamePrefix?: string;
}

export async function selectUsers(db: Db, query: UserPageQuery): Promise<UserRow[]> {
  let select = db.selectFrom('users').selectAll().where('id', '>', query.afterId);
  const prefix = query.usernamePrefix;
  // Not LIKE: `_` is allowed in usernames and would be a wildcard (startsWith says what else differs).
  if (prefix !== undefined) select = select.where(startsWith('username_normalized', prefix));
  return select.orderBy('id').limit(query.limit).execute();
}
