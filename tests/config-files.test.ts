import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';

/** Files the server keeps beside each other when DATABASE_URL names a SQLite file and JWT_SECRET is unset. */
function dataDir(): { root: string; dir: string; config: ReturnType<typeof loadConfig> } {
  const root = mkdtempSync(path.join(tmpdir(), 'tollgate-files-'));
  const dir = path.join(root, 'data');
  return {
    root,
    dir,
    config: loadConfig({
      DATABASE_URL: `sqlite:${path.join(dir, 'tollgate.db')}`,
      PORT: '0',
      BCRYPT_COST: '4',
      PASSWORD_THREADS: '1',
    }),
  };
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

test('a fresh start creates the database folder 0700 and the database, its WAL and SHM and the jwt-secret file 0600', async () => {
  const { root, dir, config } = dataDir();
  try {
    const server = await startServer(config, createLogger('silent'));
    try {
      await server.services.db
        .insertInto('throttle_events')
        .values({ key: 'k', expires_at: new Date().toISOString() })
        .execute();
      const files = ['tollgate.db', 'tollgate.db-wal', 'tollgate.db-shm', 'jwt-secret'];
      expect({ dir: modeOf(dir), files: files.map((f) => [f, modeOf(path.join(dir, f))]) }).toEqual({
        dir: 0o700,
        files: files.map((f) => [f, 0o600]),
      });
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.each([
  ['2 bytes', 'abcd', 'holds 2 bytes'],
  ['31 bytes', 'ab'.repeat(31), 'holds 31 bytes'],
  ['not hex', 'not a hex secret at all, but long enough to be 32 bytes', 'holds something else'],
])('a jwt-secret file of %s → startup refuses with a clear configuration error', async (_name, content, says) => {
  const { root, dir, config } = dataDir();
  try {
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(path.join(dir, 'jwt-secret'), content, { mode: 0o600 });
    const started = startServer(config, createLogger('silent'));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      `${path.join(dir, 'jwt-secret')} must hold at least 32 random bytes in hex (it ${says})`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
