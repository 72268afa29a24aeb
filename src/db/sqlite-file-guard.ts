import { accessSync, constants, statSync } from 'node:fs';
import type { Logger } from '../logger';
import { DatabaseFileGoneError } from './unavailable';

/**
 * A SQLite connection keeps working on its file after the file is unlinked (its folder deleted, a
 * restore moved over it): every write would be acknowledged and then vanish with the process. The
 * guard remembers which file (device and inode) was opened and compares the path against it before
 * each write and on every readiness check. Once the file is gone it stays gone: only a restart on
 * the right file can make writes durable again.
 */
export function guardDatabaseFile(file: string, logger: Logger | undefined): () => void {
  const opened = statSync(file);
  let gone: string | undefined;
  return () => {
    if (gone !== undefined) throw new DatabaseFileGoneError(gone);
    const reason = changeOf(file, opened.dev, opened.ino);
    if (reason === undefined) return;
    gone = `the SQLite database file ${file} was ${reason} while the server ran; writes are refused until a restart`;
    logger?.error({ file }, gone);
    throw new DatabaseFileGoneError(gone);
  };
}

function changeOf(file: string, dev: number, ino: number): string | undefined {
  try {
    const now = statSync(file);
    return now.dev === dev && now.ino === ino ? undefined : 'replaced';
  } catch {
    return 'removed';
  }
}

/** Without write access every login would fail later (it records throttle rows): refuse to start instead. */
export function assertWritable(file: string): void {
  try {
    accessSync(file, constants.W_OK);
  } catch {
    throw new Error(`the SQLite database file ${file} is read-only; tollgate needs to write to it`);
  }
}
