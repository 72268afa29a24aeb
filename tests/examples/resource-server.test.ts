import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { basicAuth, registeredClient, type OAuthClientCreated } from '../support/oauth';
import { bearer, registeredAdmin, registeredUser, tokenRequest, type TestUser, type TokenBody } from '../support/flows';
import { keyPair, tempDir } from '../support/keys';
import { startTestApp, type TestApp } from '../support/test-app';

// examples/resource-server (docs/resource-servers.md) as a reader runs it: a child process talking to
// tollgate over HTTP, called with a user's token and a machine's. Tollgate signs with EdDSA here: an
// HS256 key is a shared secret, never published in the JWKS, so a resource server could not verify it.

const EXAMPLE = path.resolve(__dirname, '../../examples/resource-server/server.js');

let app: TestApp;
let keyDir: string;
let admin: TestUser;
let resourceServer: { process: ChildProcess; url: string };

beforeAll(async () => {
  keyDir = tempDir();
  const pair = await keyPair(keyDir, 'EdDSA');
  app = await startTestApp({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY_FILE: pair.privateKeyFile });
  admin = await registeredAdmin(app);
  // The resource server's own credentials, for introspection: a client for machines, no redirect URI.
  resourceServer = await startExample(await machineClient('Todo stats'));
});
afterAll(async () => {
  resourceServer?.process.kill('SIGTERM');
  await app?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

/** A confidential client for machines only (client credentials, no redirect URIs). */
function machineClient(name: string): Promise<OAuthClientCreated> {
  return registeredClient(app, admin, {
    type: 'confidential',
    name,
    grant_types: ['client_credentials'],
    redirect_uris: [],
  });
}

function startExample(client: OAuthClientCreated): Promise<{ process: ChildProcess; url: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    TOLLGATE_URL: app.url,
    CLIENT_ID: client.client_id,
    CLIENT_SECRET: client.client_secret ?? '',
    PORT: '0',
  };
  const child = spawn(process.execPath, [EXAMPLE], { env });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 10_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ process: child, url });
    });
    child.on('exit', (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
  });
}

type Route = '/local/whoami' | '/live/whoami';
const ROUTES: Route[] = ['/local/whoami', '/live/whoami'];

async function call(route: Route, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(resourceServer.url + route, { headers: token === undefined ? {} : bearer(token) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function userId(user: TestUser): Promise<string> {
  const { data } = await app.client.GET('/users/me', { headers: user.auth });
  return String(data?.id);
}

describe('examples/resource-server', () => {
  test.each(ROUTES)("%s: a user's token with the scope → 200, the caller is the user", async (route) => {
    const user = await registeredUser(app);
    expect(await call(route, user.token)).toEqual({
      status: 200,
      body: { kind: 'user', sub: await userId(user), scope: 'me todos:read todos:write' },
    });
  });

  test.each(ROUTES)('%s: without the scope → 403; no token or a forged one → 401', async (route) => {
    const narrow = await registeredUser(app, 'me');
    expect((await call(route, narrow.token)).status).toBe(403);
    expect((await call(route)).status).toBe(401);
    const user = await registeredUser(app);
    const [header, payload] = user.token.split('.');
    expect((await call(route, `${header}.${payload}.${'A'.repeat(86)}`)).status).toBe(401);
  });

  test('after the user logs out everywhere: the introspecting route refuses at once, the JWKS route accepts until expiry', async () => {
    const user = await registeredUser(app);
    expect((await call('/live/whoami', user.token)).status).toBe(200);
    const ended = await app.client.DELETE('/users/me/sessions', { headers: user.auth });
    expect(ended.response.status).toBe(204);
    expect((await call('/live/whoami', user.token)).status).toBe(401);
    // The documented trade-off: a local check cannot see a logout, only the token's exp.
    expect((await call('/local/whoami', user.token)).status).toBe(200);
  });

  // The client credentials grant (issue 25): a machine-only client's own token.
  async function machineToken(scope: string): Promise<{ token: string; clientId: string }> {
    const machine = await machineClient('Nightly job');
    const request = tokenRequest({ grant_type: 'client_credentials', scope });
    const response = await app.raw('/token', {
      ...request,
      headers: {
        ...(request.headers as Record<string, string>),
        ...basicAuth(machine.client_id, machine.client_secret ?? ''),
      },
    });
    if (response.status !== 200) throw new Error(`client credentials grant: ${response.status}`);
    return { token: ((await response.json()) as TokenBody).access_token, clientId: machine.client_id };
  }

  test.each(ROUTES)('%s: a machine token → 200, the caller is the client (sub = client_id)', async (route) => {
    const { token, clientId } = await machineToken('todos:read');
    expect(await call(route, token)).toEqual({
      status: 200,
      body: { kind: 'client', sub: clientId, client_id: clientId, scope: 'todos:read' },
    });
  });
});
