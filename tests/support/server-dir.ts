import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOAD_FROM_ONE_IP } from '../../scripts/support/server-process';

export const PROCESS_SECRET = 'process-secret-process-secret-0123456789';

/** A fresh folder for one built-server process: its SQLite file and the environment pointing at it. */
export function serverDir(): { dir: string; file: string; env: Record<string, string>; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-process-'));
  const file = path.join(dir, 'tollgate.db');
  return {
    dir,
    file,
    env: {
      DATABASE_URL: `sqlite:${file}`,
      JWT_SECRET: PROCESS_SECRET,
      BCRYPT_COST: '4',
      PASSWORD_THREADS: '1',
      LOG_LEVEL: 'warn',
      ...LOAD_FROM_ONE_IP,
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
