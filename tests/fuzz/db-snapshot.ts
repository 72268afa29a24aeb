import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Tables whose change on a refused request is the point, each with why. Keep this list short:
 * every entry is a table the fuzzer no longer protects.
 */
export const TABLES_THAT_MAY_CHANGE: Readonly<Record<string, string>> = {
  // Brute-force throttling counts failed login attempts, malformed ones included, on purpose.
  throttle_events: 'counts failed logins',
};

/** Every table of the database, row count and a hash of its rows; equal snapshots mean nothing was written. */
export async function snapshotTables<DB>(db: Kysely<DB>): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
  const snapshot: Record<string, string> = {};
  for (const { name } of tables.rows) {
    if (name in TABLES_THAT_MAY_CHANGE) continue;
    const rows = await sql.raw<Record<string, unknown>>(`select * from "${name.replace(/"/g, '""')}" order by rowid`).execute(db);
    const hash = createHash('sha256').update(JSON.stringify(rows.rows)).digest('hex').slice(0, 16);
    snapshot[name] = `${rows.rows.length} rows, ${hash}`;
  }
  return snapshot;
}
