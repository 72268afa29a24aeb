import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

type Db = Kysely<Database>;

export async function insertThrottleEvent(db: Db, key: string, expiresAt: string): Promise<number> {
  const row = await db
    .insertInto('throttle_events')
    .values({ key, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function countLiveThrottleEvents(db: Db, key: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('throttle_events')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  // PostgreSQL returns count(*) as a bigint string.
  return Number(row.count);
}

/** The expiry of the live event at this position, oldest first. */
export async function findLiveThrottleExpiry(
  db: Db,
  key: string,
  now: string,
  position: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('throttle_events')
    .select('expires_at')
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'asc')
    .limit(1)
    .offset(position)
    .executeTakeFirst();
  return row?.expires_at;
}

export async function deleteThrottleEvents(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('throttle_events').where('id', 'in', ids).execute();
}

export async function deleteThrottleEventsOfKey(db: Db, key: string): Promise<void> {
  await db.deleteFrom('throttle_events').where('key', '=', key).execute();
}

export async function deleteExpiredThrottleEvents(db: Db, now: string): Promise<void> {
  await db.deleteFrom('throttle_events').where('expires_at', '<=', now).execute();
}
