import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer } from '../../src/server';
import { EXAMPLE_CONTEXT } from '../support/every-operation';
import { PRODUCTION_MAIL } from '../support/mail-env';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');
const SECRET = 'x'.repeat(40);

let dir: string;
let databaseUrl: string;

function seed(extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    BCRYPT_COST: '4',
    JWT_SECRET: SECRET,
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'seed'], { cwd: ROOT, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-seed-'));
  databaseUrl = `sqlite:${path.join(dir, 'seed.db')}`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run cli -- seed', () => {
  test('twice, then the documented example credentials log in and see the documented todo once', async () => {
    expect((await seed()).code).toBe(0);
    const again = await seed();
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('already there') });

    const server = await startServer(
      loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', BCRYPT_COST: '4', JWT_SECRET: SECRET }),
      createLogger('silent'),
    );
    try {
      const client = createClient({ baseUrl: server.url });
      const login = await client.login(EXAMPLE_CONTEXT.user.username, EXAMPLE_CONTEXT.user.password);
      expect(login.response.status).toBe(200);
      const me = await client.GET('/users/me');
      expect(me.data).toMatchObject({ id: 1, username: 'alice', email: 'alice@example.com', roles: ['user'] });
      const todos = await client.GET('/todos');
      expect(todos.data?.items.map(({ id, title, done }) => ({ id, title, done }))).toEqual([
        { id: 1, title: 'Buy milk', done: false },
      ]);
    } finally {
      await server.close();
    }
  });

  test('is refused with NODE_ENV=production, creating nothing', async () => {
    const run = await seed({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', ...PRODUCTION_MAIL });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/refused with NODE_ENV=production/);
    expect(run.stdout).toBe('');
  });
});
