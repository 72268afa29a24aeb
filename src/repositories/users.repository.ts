import type { Kysely } from 'kysely';
import type { Database, NewUserRow, UserRow } from '../db/schema';

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
