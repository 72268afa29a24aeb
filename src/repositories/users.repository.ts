import { sql, type Kysely } from 'kysely';
import type { Database, NewUserRow, UserChanges, UserRow } from '../db/schema';

type Db = Kysely<Database>;

export async function insertUser(db: Db, user: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByNormalizedUsername(db: Db, usernameNormalized: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_normalized', '=', usernameNormalized).executeTakeFirst();
}

export async function existsUserWithNameOrEmail(db: Db, usernameNormalized: string, emailNormalized: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('username_normalized', '=', usernameNormalized), eb('email_normalized', '=', emailNormalized)]))
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
  // substr rather than LIKE: `_` is allowed in usernames and would be a LIKE wildcard; substr means the same on SQLite and PostgreSQL.
  if (prefix !== undefined) select = select.where(sql<string>`substr(${sql.ref('username_normalized')}, 1, ${prefix.length})`, '=', prefix);
  return select.orderBy('id').limit(query.limit).execute();
}
