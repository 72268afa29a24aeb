import type { Kysely } from 'kysely';
import type { Database, NewUserRow } from '../db/schema';

type Db = Kysely<Database>;

export interface ExistingUserKeys {
  username_normalized: string;
  email_normalized: string;
  password_hash: string;
}

/** The users holding any of these (lower-cased) usernames or emails; both lists come from the same rows, so neither is empty alone. */
export async function selectUsersByNormalizedNamesOrEmails(
  db: Db,
  usernames: readonly string[],
  emails: readonly string[],
): Promise<ExistingUserKeys[]> {
  if (usernames.length === 0 || emails.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['username_normalized', 'email_normalized', 'password_hash'])
    .where((eb) => eb.or([eb('username_normalized', 'in', [...usernames]), eb('email_normalized', 'in', [...emails])]))
    .execute();
}

/**
 * One multi-row INSERT; a row whose username or email was taken meanwhile (a registration while
 * the import runs) is left out by the unique indexes, not an error. Returns the usernames inserted.
 */
export async function insertUsersSkippingConflicts(db: Db, rows: readonly NewUserRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('users')
    .values([...rows])
    .onConflict((oc) => oc.doNothing())
    .returning('username_normalized')
    .execute();
  return inserted.map((row) => row.username_normalized);
}
