import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer } from '../../src/server';
import { runCli } from '../support/cli-process';

let dir: string;
let databaseUrl: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-client-'));
  databaseUrl = `sqlite:${path.join(dir, 'x.db')}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;

test('create-client prints the client as JSON on its last line, the secret of a confidential one included, and the server accepts that secret', async () => {
  const run = await runCli(databaseUrl, [
    'create-client',
    '--name',
    'Notes',
    '--redirect-uri',
    'https://notes.example.com/cb',
    '--confidential',
  ]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const client = lastLine(run.stdout);
  expect(client).toMatchObject({
    name: 'Notes',
    type: 'confidential',
    redirect_uris: ['https://notes.example.com/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  });
  const server = await startServer(
    loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', JWT_SECRET: 'x'.repeat(40), BCRYPT_COST: '4' }),
    createLogger('silent'),
  );
  try {
    const exchange = (secret: string) =>
      fetch(`${server.url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${String(client.client_id)}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'nosuchcode',
          code_verifier: 'v'.repeat(43),
          redirect_uri: 'https://notes.example.com/cb',
        }).toString(),
      });
    // The right secret gets as far as the (unknown) code; a wrong one stops at the client.
    expect((await (await exchange(String(client.client_secret))).json()) as unknown).toMatchObject({
      error: 'invalid_grant',
    });
    expect((await exchange('wrong')).status).toBe(401);
  } finally {
    await server.close();
  }
}, 60_000);

test('a public client has no secret; a redirect URI over plain http is refused (exit 2, the field named)', async () => {
  const ok = await runCli(databaseUrl, ['create-client', '--name', 'SPA', '--redirect-uri', 'http://127.0.0.1/cb']);
  expect(ok.code).toBe(0);
  expect(lastLine(ok.stdout)).not.toHaveProperty('client_secret');
  const refused = await runCli(databaseUrl, [
    'create-client',
    '--name',
    'Bad',
    '--redirect-uri',
    'http://notes.example.com/cb',
  ]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('redirect_uris/0: must be https');
  const usage = await runCli(databaseUrl, ['create-client', '--name', 'No URI']);
  expect(usage.code).toBe(2);
}, 60_000);

test('a machine client: --grant-type client_credentials --confidential, no redirect URI; its secret gets a token of its own', async () => {
  const run = await runCli(databaseUrl, [
    'create-client',
    '--name',
    'Billing',
    '--confidential',
    '--grant-type',
    'client_credentials',
    '--scope',
    'users:admin',
  ]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const client = lastLine(run.stdout);
  expect(client).toMatchObject({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'users:admin' });
  const server = await startServer(
    loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', JWT_SECRET: 'x'.repeat(40), BCRYPT_COST: '4' }),
    createLogger('silent'),
  );
  try {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
        client_secret: String(client.client_secret),
      }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scope: 'users:admin' });
  } finally {
    await server.close();
  }
  const publicMachine = await runCli(databaseUrl, [
    'create-client',
    '--name',
    'X',
    '--grant-type',
    'client_credentials',
  ]);
  expect(publicMachine.code).toBe(2);
  expect(publicMachine.stderr).toContain('grant_types: client_credentials needs a confidential client');
  const unknown = await runCli(databaseUrl, ['create-client', '--name', 'X', '--grant-type', 'implicit']);
  expect(unknown.code).toBe(2);
}, 60_000);
