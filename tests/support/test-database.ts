import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/** A database nobody else uses, and how to throw it away. */
export interface TestDatabase {
  readonly dialect: TestDialect;
  readonly url: string;
  drop(): Promise<void>;
}

/** Set per jest project (jest.config.js `globals`): the whole suite runs once per dialect. */
export function testDialect(): TestDialect {
  return (globalThis as { TOLLGATE_TEST_DIALECT?: TestDialect }).TOLLGATE_TEST_DIALECT ?? 'sqlite';
}

/** The admin connection the postgres project creates its databases from; undefined without PostgreSQL. */
export function testDatabaseAdminUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export async function freshTestDatabase(dialect: TestDialect = testDialect()): Promise<TestDatabase> {
  return dialect === 'postgres' ? freshPostgresDatabase() : freshSqliteDatabase();
}

function freshSqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-test-'));
  return {
    dialect: 'sqlite',
    url: `sqlite:${path.join(dir, 'test.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A whole database per test app (not a schema): nothing of one suite can leak into another. */
async function freshPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = testDatabaseAdminUrl();
  if (!adminUrl) throw new Error('the postgres test project needs TEST_DATABASE_URL');
  const name = `tollgate_test_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // FORCE: a test that broke mid-way may leave a connection open; the database must still go.
  return {
    dialect: 'postgres',
    url: url.toString(),
    drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A describe for what exists only on PostgreSQL (several instances, a cross-engine comparison):
 * run by the postgres project, skipped by the sqlite one. Jest shows neither titles nor console
 * output of a fully skipped file, so a run without PostgreSQL tells stderr what it left out and why.
 */
export function describeOnPostgres(title: string, body: () => void): void {
  if (testDialect() === 'postgres') return describe(title, body);
  if (!testDatabaseAdminUrl())
    process.stderr.write(
      `skipped "${title}": it needs PostgreSQL; set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)\n`,
    );
  describe.skip(title, body);
}
