import { loadConfig } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { startsWith } from '../../src/db/sql';
import { insertUser } from '../../src/repositories/users.repository';
import { freshTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await freshTestDatabase();
  handle = await openDatabase(loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }));
  await migrateToLatest(handle.db, handle.dialect);
  const names = ['a_b', 'axb', 'a%c', 'abc', 'a\\d', 'ABE', 'b_a'];
  for (const [i, name] of names.entries()) {
    await insertUser(handle.db, {
      username: name,
      username_normalized: name.toLowerCase(),
      email: `u${i}@example.com`,
      email_normalized: `u${i}@example.com`,
      password_hash: 'not-a-real-hash',
      role: 'user',
      is_active: 1,
      created_at: new Date(0).toISOString(),
    });
  }
});
afterAll(() => handle.close().finally(() => database.drop()));

async function namesStartingWith(prefix: string): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('users')
    .select('username_normalized')
    .where(startsWith('username_normalized', prefix))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.username_normalized);
}

describe('startsWith', () => {
  test.each([
    ['a', ['a_b', 'axb', 'a%c', 'abc', 'a\\d', 'abe']],
    ['a_', ['a_b']],
    ['a%', ['a%c']],
    ['a\\', ['a\\d']],
    ['ab', ['abc', 'abe']],
    ['', ['a_b', 'axb', 'a%c', 'abc', 'a\\d', 'abe', 'b_a']],
    ['z', []],
  ])('prefix %j matches literally, the same on every dialect', async (prefix, expected) => {
    expect(await namesStartingWith(prefix)).toEqual(expected);
  });

  test('compares case exactly (SQLite LIKE would not): callers lower-case both sides', async () => {
    expect(await namesStartingWith('AB')).toEqual([]);
  });
});
