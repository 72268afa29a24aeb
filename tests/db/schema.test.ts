import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../../src/config';
import { openDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import type { Database } from '../../src/db/schema';
import { describeOnPostgres, freshTestDatabase, type TestDatabase } from '../support/test-database';

/** Each engine's own names for the types migrations use, mapped to the names migrations write. */
const TYPE_NAMES: Record<string, string> = {
  int4: 'integer',
  int8: 'bigint',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
};

// Comparing needs both engines, so the postgres project runs it.
describeOnPostgres('the same migrations give SQLite and PostgreSQL the same schema', () => {
  const opened: Array<{ database: TestDatabase; handle: DatabaseHandle }> = [];
  afterAll(async () => {
    for (const { database, handle } of opened) await handle.close().finally(() => database.drop());
  });

  async function migrated(dialect: 'sqlite' | 'postgres'): Promise<DatabaseHandle> {
    const database = await freshTestDatabase(dialect);
    const handle = await openDatabase(loadConfig({ DATABASE_URL: database.url, JWT_SECRET: 'x'.repeat(32) }));
    opened.push({ database, handle });
    await migrateToLatest(handle.db, handle.dialect);
    return handle;
  }

  test('tables, columns, types, nullability, defaults, generated ids, indexes and foreign keys match', async () => {
    const [sqlite, postgres] = await Promise.all([migrated('sqlite'), migrated('postgres')]);
    const [fromSqlite, fromPostgres] = await Promise.all([describeSchema(sqlite), describeSchema(postgres)]);
    expect(fromSqlite.columns).toContain('users.username_normalized text not null');
    expect(fromSqlite.indexes).toContain('users(username_normalized) unique');
    expect(fromPostgres).toEqual(fromSqlite);
  });
});

async function describeSchema(handle: DatabaseHandle) {
  const tables = await handle.db.introspection.getTables();
  // SQLite reports its INTEGER PRIMARY KEY as nullable, yet a NULL there is replaced by a new id: never null either way.
  const nullable = (c: { isNullable: boolean; isAutoIncrementing: boolean }) => c.isNullable && !c.isAutoIncrementing;
  const columns = tables.flatMap((t) =>
    t.columns.map(
      (c) =>
        `${t.name}.${c.name} ${TYPE_NAMES[c.dataType.toLowerCase()] ?? c.dataType}${nullable(c) ? '' : ' not null'}${c.hasDefaultValue ? ' default' : ''}${c.isAutoIncrementing ? ' generated' : ''}`,
    ),
  );
  const [indexes, foreignKeys] =
    handle.dialect === 'postgres' ? await postgresConstraints(handle.db) : await sqliteConstraints(handle.db);
  return { columns: columns.sort(), indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
}

type Constraints = Promise<[string[], string[]]>;

async function sqliteConstraints(db: Kysely<Database>): Constraints {
  const indexes = await sql<{ tbl: string; idx: string; uniq: number; col: string }>`
    select m.name as tbl, il.name as idx, il."unique" as uniq, ii.name as col
    from sqlite_master m join pragma_index_list(m.name) il join pragma_index_info(il.name) ii
    where m.type = 'table' and m.name not like 'kysely%' and m.name not like 'sqlite%'
    order by tbl, idx, ii.seqno`.execute(db);
  const keys = await sql<{ tbl: string; col: string; ref: string; refcol: string; on_delete: string }>`
    select m.name as tbl, fk."from" as col, fk."table" as ref, fk."to" as refcol, fk.on_delete as on_delete
    from sqlite_master m join pragma_foreign_key_list(m.name) fk where m.type = 'table'`.execute(db);
  return [
    indexLines(indexes.rows.map((r) => ({ ...r, uniq: r.uniq === 1 }))),
    keys.rows.map((k) => `${k.tbl}.${k.col} → ${k.ref}.${k.refcol} on delete ${k.on_delete.toLowerCase()}`),
  ];
}

const PG_ON_DELETE: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

async function postgresConstraints(db: Kysely<Database>): Constraints {
  const indexes = await sql<{ tbl: string; idx: string; uniq: boolean; col: string }>`
    select t.relname as tbl, i.relname as idx, ix.indisunique as uniq, a.attname as col
    from pg_index ix
    join pg_class t on t.oid = ix.indrelid join pg_class i on i.oid = ix.indexrelid
    join pg_namespace ns on ns.oid = t.relnamespace
    cross join lateral unnest(ix.indkey) with ordinality as k(attnum, n)
    join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
    where ns.nspname = current_schema() and not ix.indisprimary and t.relname not like 'kysely%'
    order by tbl, idx, k.n`.execute(db);
  const keys = await sql<{ tbl: string; col: string; ref: string; refcol: string; on_delete: string }>`
    select c.conrelid::regclass::text as tbl, a.attname as col, c.confrelid::regclass::text as ref, af.attname as refcol, c.confdeltype as on_delete
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute af on af.attrelid = c.confrelid and af.attnum = c.confkey[1]
    where c.contype = 'f'`.execute(db);
  return [
    indexLines(indexes.rows),
    keys.rows.map(
      (k) => `${k.tbl}.${k.col} → ${k.ref}.${k.refcol} on delete ${PG_ON_DELETE[k.on_delete] ?? k.on_delete}`,
    ),
  ];
}

/** One line per index, by table and columns: each engine names them its own way. */
function indexLines(rows: ReadonlyArray<{ tbl: string; idx: string; uniq: boolean; col: string }>): string[] {
  const byIndex = new Map<string, { tbl: string; uniq: boolean; cols: string[] }>();
  for (const row of rows) {
    const entry = byIndex.get(row.idx) ?? { tbl: row.tbl, uniq: row.uniq, cols: [] };
    entry.cols.push(row.col);
    byIndex.set(row.idx, entry);
  }
  return [...byIndex.values()].map((i) => `${i.tbl}(${i.cols.join(', ')})${i.uniq ? ' unique' : ''}`);
}
