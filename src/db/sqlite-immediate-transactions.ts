import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely begins SQLite transactions DEFERRED: they start as readers and upgrade to writers at
 * their first write. With several processes on one file (WORKERS=N), an upgrade after another
 * process committed fails at once with SQLITE_BUSY, busy_timeout or not (the snapshot is stale),
 * and the request ends in a 500. BEGIN IMMEDIATE takes the write lock up front, where
 * busy_timeout makes it wait its turn instead. All our transactions write, so none loses by it.
 */
class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateTransactionSqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: SqliteDialectConfig) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.sqliteConfig);
  }
}
