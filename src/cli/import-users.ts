import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { importUsers, type ImportSummary } from './import/importer';
import { readJsonLines, readTutorialSqlite } from './import/sources';
import type { SourceRecord } from './import/user-records';
import { EXIT, UsageError, type Command, type Flags } from './command';

type Source = AsyncIterable<SourceRecord> | Iterable<SourceRecord>;

/** Moves users over with the password hashes they have; the last stdout line is the JSON summary. */
export const importUsersCommand: Command = {
  usage: '(--from-sqlite PATH | --from-jsonl PATH) [--dry-run]',
  options: {
    'from-sqlite': { type: 'string' },
    'from-jsonl': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  async run(flags) {
    const openSource = sourceFrom(flags);
    const dryRun = flags['dry-run'] === true;
    const config = loadConfig(process.env);
    const database = await openDatabase(config);
    try {
      await migrateToLatest(database.db, database.dialect);
      const source = openSource();
      const summary = await importUsers(source, { db: database.db, clock: systemClock, hashBounds: config.passwordHashBounds, dryRun, onProgress: progress });
      if (dryRun) process.stderr.write('import-users: dry run, nothing written\n');
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};

function sourceFrom(flags: Flags): () => Source {
  const sqlite = flags['from-sqlite'];
  const jsonl = flags['from-jsonl'];
  if ((sqlite === undefined) === (jsonl === undefined)) throw new UsageError('give exactly one of --from-sqlite PATH and --from-jsonl PATH');
  if (typeof sqlite === 'string') return () => readTutorialSqlite(sqlite);
  return () => readJsonLines(String(jsonl));
}

function progress(rowsRead: number, summary: Readonly<ImportSummary>): void {
  process.stderr.write(`import-users: ${rowsRead} rows read, ${summary.imported} imported, ${summary.skipped} skipped\n`);
}
