import { Migrator } from 'kysely';
import { loadConfig } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrationsFor } from '../../src/db/migrations';
import { freshTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Kysely's Migrator runs migrations in the order of their names (sorted as strings), not in the
 * order src/db/migrations/index.ts lists them; the list must read in the order they run
 * (docs/architecture.md, "Migration names and order").
 */
describe('migrations', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await freshTestDatabase();
    handle = await openDatabase(loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }));
  });
  afterAll(async () => {
    await handle.close().finally(() => database.drop());
  });

  test('run on a fresh database in the order src/db/migrations/index.ts lists them', async () => {
    const listed = migrationsFor(handle.dialect);
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => listed } });
    const { error, results } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    const ran = (results ?? []).map((result) => `${result.migrationName} ${result.status}`);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran).toEqual(Object.keys(listed).map((name) => `${name} Success`));
  });
});
