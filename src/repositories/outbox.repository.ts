import { sql, type Kysely } from 'kysely';
import type { Database, MailOutboxRow, NewMailOutboxRow } from '../db/schema';

type Db = Kysely<Database>;

export async function insertMail(db: Db, mail: NewMailOutboxRow): Promise<void> {
  await db.insertInto('mail_outbox').values(mail).execute();
}

/** Due mails nobody holds a live lease on; a candidate list, claimed one by one below. */
export async function findClaimableMailIds(db: Db, now: string, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Takes the lease if the mail is still claimable: the conditions in the WHERE clause, not the read
 * before, decide, so of several instances racing for a row exactly one gets it. An expired lease (its
 * holder crashed) is as good as none. The attempt is counted at claim time: a mail that kills its
 * sender still runs out of attempts.
 */
export async function claimMail(
  db: Db,
  id: number,
  owner: string,
  now: string,
  leaseUntil: string,
): Promise<MailOutboxRow | undefined> {
  return db
    .updateTable('mail_outbox')
    .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** Sent or failed for good: the bodies (which may hold a link) are emptied. Only the lease holder may. */
export async function finishMail(
  db: Db,
  id: number,
  owner: string,
  status: 'sent' | 'failed',
  at: string,
  error: string | null,
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status,
      sent_at: status === 'sent' ? at : null,
      last_error: error,
      text_body: '',
      html_body: '',
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function scheduleRetry(
  db: Db,
  id: number,
  owner: string,
  nextAttemptAt: string,
  error: string,
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ next_attempt_at: nextAttemptAt, last_error: error, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

export interface OutboxStats {
  readonly depth: number;
  readonly oldestCreatedAt: string | null;
}

export async function outboxStats(db: Db): Promise<OutboxStats> {
  const row = await db
    .selectFrom('mail_outbox')
    .select([sql<number | string>`count(*)`.as('depth'), sql<string | null>`min(created_at)`.as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { depth: Number(row.depth), oldestCreatedAt: row.oldest };
}
