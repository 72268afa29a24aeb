import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Tables whose change on a refused request is the point, each with why. Keep this list short:
 * every entry is a table the fuzzer no longer protects.
 */
export const TABLES_THAT_MAY_CHANGE: Readonly<Record<string, string>> = {
  // Brute-force throttling counts failed login attempts, malformed ones included, on purpose.
  throttle_events: 'counts failed logins',
  // Work of an earlier, valid request may finish during a refused one: the delivery worker marks queued
  // mails sent, and a reset or email change looks its address up (and issues a token) after answering.
  mail_outbox: 'delivered in the background',
  account_tokens: 'issued after an earlier request was answered',
};

/** Every table of the database, row count and a hash of its rows; equal snapshots mean nothing was written. */
export async function snapshotTables<DB>(db: Kysely<DB>): Promise<Record<string, string>> {
  // Kysely's introspection reads sqlite_master or information_schema, whichever the dialect has.
  const tables = (await db.introspection.getTables()).map((table) => table.name).sort();
  const snapshot: Record<string, string> = {};
  for (const name of tables) {
    if (name in TABLES_THAT_MAY_CHANGE) continue;
    const rows = await sql.raw<Record<string, unknown>>(`select * from "${name.replace(/"/g, '""')}"`).execute(db);
    // Sorted here rather than by rowid, which PostgreSQL does not have.
    const lines = rows.rows.map((row) => JSON.stringify(row)).sort();
    const hash = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
    snapshot[name] = `${lines.length} rows, ${hash}`;
  }
  return snapshot;
}
