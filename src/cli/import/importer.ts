import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { PasswordHashBounds } from '../../config';
import type { Database, NewUserRow } from '../../db/schema';
import { insertUsersSkippingConflicts, selectUsersByNormalizedNamesOrEmails, type ExistingUserKeys } from '../../repositories/user-import.repository';
import { checkRecord, specValidators, type ImportCandidate, type RecordRef, type SourceRecord } from './user-records';

export type ImportError = RecordRef & { readonly reason: string };

export interface ImportSummary {
  imported: number;
  skipped: number;
  errors: ImportError[];
}

export interface ImportOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** Hashes dearer than these are skipped as `hash_cost_too_high` (PASSWORD_HASH_MAX_*: logins would refuse them). */
  readonly hashBounds: PasswordHashBounds;
  /** Checks everything, conflicts included, and writes nothing. */
  readonly dryRun: boolean;
  /** Rows per transaction: one SELECT for conflicts and one multi-row INSERT each. */
  readonly batchSize?: number;
  /** Called every `progressEvery` rows read. */
  readonly onProgress?: (rowsRead: number, summary: Readonly<ImportSummary>) => void;
  readonly progressEvery?: number;
}

// 1,000 rows × 8 columns stays far below SQLite's and PostgreSQL's bound-parameter limits.
const BATCH_SIZE = 1000;

/**
 * Imports users with the password hashes they have (never hashing anything), skipping and
 * reporting every row that breaks a rule. Rows already imported (same username, email and hash)
 * are skipped as `already_imported`, so running the same import again writes nothing.
 */
export async function importUsers(source: AsyncIterable<SourceRecord> | Iterable<SourceRecord>, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, skipped: 0, errors: [] };
  const validators = specValidators();
  const taken = { usernames: new Set<string>(), emails: new Set<string>() };
  const every = options.progressEvery ?? 10_000;
  let batch: ImportCandidate[] = [];
  let read = 0;
  for await (const record of source) {
    read += 1;
    const checked = checkRecord(record, validators, options.hashBounds);
    if ('reason' in checked) skip(summary, record.ref, checked.reason);
    else batch.push(checked.ok);
    if (batch.length >= (options.batchSize ?? BATCH_SIZE)) {
      await importBatch(batch, options, taken, summary);
      batch = [];
    }
    if (read % every === 0) options.onProgress?.(read, summary);
  }
  await importBatch(batch, options, taken, summary);
  // Conflicts are found a batch later than malformed rows: the report lists them in file order.
  summary.errors.sort((a, b) => position(a) - position(b));
  return summary;
}

function position(ref: RecordRef): number {
  const value = 'line' in ref ? ref.line : ref.id;
  return typeof value === 'number' ? value : Number.MAX_SAFE_INTEGER;
}

function skip(summary: ImportSummary, ref: RecordRef, reason: string): void {
  summary.skipped += 1;
  summary.errors.push({ ...ref, reason });
}

interface Taken {
  readonly usernames: Set<string>;
  readonly emails: Set<string>;
}

async function importBatch(batch: readonly ImportCandidate[], options: ImportOptions, taken: Taken, summary: ImportSummary): Promise<void> {
  if (batch.length === 0) return;
  const createdAt = options.clock.now().toISOString();
  await options.db.transaction().execute(async (trx) => {
    const existing = keyed(await selectUsersByNormalizedNamesOrEmails(trx, batch.map((c) => c.username.toLowerCase()), batch.map((c) => c.email.toLowerCase())));
    const accepted: { candidate: ImportCandidate; row: NewUserRow }[] = [];
    for (const candidate of batch) {
      const reason = conflictOf(candidate, existing, taken);
      if (reason !== undefined) {
        skip(summary, candidate.ref, reason);
        continue;
      }
      const row = toRow(candidate, createdAt);
      taken.usernames.add(row.username_normalized);
      taken.emails.add(row.email_normalized);
      accepted.push({ candidate, row });
    }
    if (options.dryRun) {
      summary.imported += accepted.length;
      return;
    }
    const inserted = new Set(await insertUsersSkippingConflicts(trx, accepted.map((a) => a.row)));
    for (const { candidate, row } of accepted) {
      if (inserted.has(row.username_normalized)) summary.imported += 1;
      else skip(summary, candidate.ref, 'username_or_email_taken');
    }
  });
}

interface ExistingKeys {
  readonly byUsername: ReadonlyMap<string, ExistingUserKeys>;
  readonly emails: ReadonlySet<string>;
}

function keyed(users: readonly ExistingUserKeys[]): ExistingKeys {
  return { byUsername: new Map(users.map((u) => [u.username_normalized, u])), emails: new Set(users.map((u) => u.email_normalized)) };
}

/** Why this row cannot be imported next to the users already there or earlier in this import, if it cannot. */
function conflictOf(candidate: ImportCandidate, existing: ExistingKeys, taken: Taken): string | undefined {
  const username = candidate.username.toLowerCase();
  const email = candidate.email.toLowerCase();
  const sameName = existing.byUsername.get(username);
  if (sameName && sameName.email_normalized === email && sameName.password_hash === candidate.password_hash) return 'already_imported';
  if (sameName || taken.usernames.has(username)) return 'username_taken';
  if (existing.emails.has(email) || taken.emails.has(email)) return 'email_taken';
  return undefined;
}

function toRow(candidate: ImportCandidate, createdAt: string): NewUserRow {
  return {
    username: candidate.username,
    username_normalized: candidate.username.toLowerCase(),
    email: candidate.email,
    email_normalized: candidate.email.toLowerCase(),
    password_hash: candidate.password_hash,
    role: candidate.role,
    is_active: candidate.is_active ? 1 : 0,
    email_verified: candidate.email_verified ? 1 : 0,
    created_at: createdAt,
  };
}
