import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROCESS_SECRET = 'process-secret-process-secret-0123456789';

/** A fresh folder for one built-server process: its SQLite file and the environment pointing at it. */
export function serverDir(): { dir: string; file: string; env: Record<string, string>; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-process-'));
  const file = path.join(dir, 'tollgate.db');
  return {
    dir,
    file,
    // Every test client registers from 127.0.0.1: the registration limit would stop the load tests.
    env: { DATABASE_URL: `sqlite:${file}`, JWT_SECRET: PROCESS_SECRET, BCRYPT_COST: '4', PASSWORD_THREADS: '1', LOG_LEVEL: 'warn', REGISTRATION_MAX_PER_IP: '1000000' },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
