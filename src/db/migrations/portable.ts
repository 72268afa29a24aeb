import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

/**
 * The few things SQLite and PostgreSQL spell differently in DDL. Shipped migrations call these,
 * so they may grow but never change what an existing function produces.
 */
export type SqlDialect = 'sqlite' | 'postgres';

/** A migration that knows which engine it runs on (Kysely's own Migration only gets `db`). */
export interface PortableMigration {
  // Migrations run on Kysely<any> and never import app code: they must keep working as the app changes.
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>;
  down?(db: Kysely<any>, dialect: SqlDialect): Promise<void>;
}

/**
 * An integer id the database assigns. SQLite's AUTOINCREMENT never reuses an id; PostgreSQL's
 * identity column (its standard replacement for serial) never does either.
 */
export function autoIncrementId(dialect: SqlDialect): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === 'postgres' ? (c) => c.primaryKey().generatedByDefaultAsIdentity() : (c) => c.primaryKey().autoIncrement();
}

export function forDialect(migrations: Readonly<Record<string, PortableMigration>>, dialect: SqlDialect): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(migrations).map(([name, m]) => [name, { up: (db) => m.up(db, dialect), down: m.down && ((db) => m.down!(db, dialect)) }]),
  );
}
