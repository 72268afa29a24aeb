import { Migrator, type Kysely } from 'kysely';
import type { Database } from './schema';
import { migrationsFor } from './migrations';
import type { SqlDialect } from './migrations/portable';

/** Safe when several instances start at once: Kysely's Migrator locks (an advisory lock on PostgreSQL). */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
}
