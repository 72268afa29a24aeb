import { validationFailed } from '../http/errors';

// Opaque to clients so the pagination key can change without breaking them.
const PREFIX = 'id:';
// The spec's Id maximum: PostgreSQL's integer columns refuse anything larger (a 500), SQLite's do not.
const MAX_ID = 2147483647;

export function encodeCursor(lastId: number): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The id to continue after; 0 for the first page. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^id:([1-9]\d{0,9})$/.exec(decoded);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id) || id > MAX_ID || encodeCursor(id) !== cursor) {
    throw validationFailed([{ location: 'query', field: 'cursor', message: 'is not a cursor returned by this API' }]);
  }
  return id;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Rows were fetched with one more than `limit`: that extra row tells whether another page exists. */
export function pageOf<Row extends { id: number }, Item>(
  rows: readonly Row[],
  limit: number,
  present: (row: Row) => Item,
): { items: Item[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(present), next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
