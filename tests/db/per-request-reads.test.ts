import { sql } from 'kysely';
import { loadConfig } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { findUserWithSession } from '../../src/repositories/sessions.repository';
import { findUserById, insertUser } from '../../src/repositories/users.repository';
import { freshTestDatabase, testDialect, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let handle: DatabaseHandle;
let userId: number;
beforeAll(async () => {
  database = await freshTestDatabase();
  // One pooled connection on PostgreSQL: every statement below meets the same prepared ones.
  handle = await openDatabase(
    loadConfig({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '1', JWT_SECRET: 'x'.repeat(32) }),
  );
  await migrateToLatest(handle.db, handle.dialect);
  const user = await insertUser(handle.db, {
    username: 'reader',
    username_normalized: 'reader',
    email: 'reader@example.com',
    email_normalized: 'reader@example.com',
    password_hash: 'not-a-real-hash',
    role: 'user',
    is_active: 1,
    created_at: new Date(0).toISOString(),
  });
  if (user === 'taken') throw new Error('unexpected');
  userId = user.id;
});
afterAll(() => handle.close().finally(() => database.drop()));

describe('the reads every request runs, compiled once per database', () => {
  it('answer the same on every call, with only the values bound', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await findUserWithSession(handle.db, userId, 'no-such-session')).toMatchObject({
        id: userId,
        username: 'reader',
        session_live: null,
      });
      expect(await findUserById(handle.db, userId)).toMatchObject({ id: userId });
      expect(await findUserById(handle.db, userId + 1)).toBeUndefined();
    }
  });

  const onPostgres = testDialect() === 'postgres' ? it : it.skip;

  onPostgres('run as named statements on PostgreSQL, prepared once per connection', async () => {
    await findUserWithSession(handle.db, userId, 'no-such-session');
    const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(handle.db);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^tollgate_read_/)]));
  });

  onPostgres(
    'a column added by another instance: the read still answers, then a fresh connection prepares it again',
    async () => {
      await findUserWithSession(handle.db, userId, 'no-such-session');
      await sql`alter table users add column added_elsewhere integer`.execute(handle.db);
      try {
        expect(await findUserWithSession(handle.db, userId, 'no-such-session')).toMatchObject({
          id: userId,
          added_elsewhere: null,
        });
        expect(await findUserWithSession(handle.db, userId, 'no-such-session')).toMatchObject({
          id: userId,
          added_elsewhere: null,
        });
      } finally {
        await sql`alter table users drop column added_elsewhere`.execute(handle.db);
      }
    },
  );

  onPostgres('a column added by another instance: the same read inside a transaction still answers', async () => {
    // Prepared on this (only) connection first, outside a transaction.
    await findUserById(handle.db, userId);
    await sql`alter table users add column added_elsewhere integer`.execute(handle.db);
    try {
      const read = await handle.db.transaction().execute((trx) => findUserById(trx, userId));
      expect(read).toMatchObject({ id: userId, added_elsewhere: null });
    } finally {
      await sql`alter table users drop column added_elsewhere`.execute(handle.db);
    }
  });
});
