import { DatabaseFileGoneError, databaseUnavailableKind } from '../../src/db/unavailable';

// The errors themselves are produced for real by tests/process/postgres-faults.test.ts and
// sqlite-faults.test.ts; this pins down the mapping for the ones those cannot provoke cheaply.
describe('which database errors mean "unavailable, try later" (503) rather than a bug (500)', () => {
  test.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'connection'],
    [{ code: '57P03', message: 'the database system is starting up' }, 'connection'],
    [{ code: '08006', message: 'connection failure' }, 'connection'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'connection'],
    [new Error('Connection terminated unexpectedly'), 'connection'],
    [new Error('timeout exceeded when trying to connect'), 'connection'],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, 'timeout'],
    [{ code: '55P03', message: 'canceling statement due to lock timeout' }, 'lock_timeout'],
    [{ code: '40P01', message: 'deadlock detected' }, 'conflict'],
    [{ code: '40001', message: 'could not serialize access due to concurrent update' }, 'conflict'],
    [{ code: '53300', message: 'sorry, too many clients already' }, 'resources'],
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, 'read_only'],
    [{ code: 'SQLITE_FULL', message: 'database or disk is full' }, 'disk_full'],
    [{ code: 'SQLITE_BUSY', message: 'database is locked' }, 'busy'],
    [{ code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' }, 'io'],
    [{ code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' }, 'read_only'],
    [new DatabaseFileGoneError('gone'), 'file_replaced'],
  ])('%o → %s', (error, kind) => {
    expect(databaseUnavailableKind(error)).toBe(kind);
  });

  test.each([
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed' }],
    [{ code: '42P01', message: 'relation does not exist' }],
    [new TypeError('x is undefined')],
    ['a string'],
  ])('%o is not', (error) => {
    expect(databaseUnavailableKind(error)).toBeUndefined();
  });
});
