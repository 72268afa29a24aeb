import { movableClock } from '../support/clock';
import {
  bearer,
  registeredAdmin,
  registeredUser,
  tokenRequest,
  type OAuthErrorBody,
  type TestUser,
  type TokenBody,
} from '../support/flows';
import { captureLogs } from '../support/log-capture';
import { basicAuth, jwtPayload, registeredClient, type OAuthClientCreated } from '../support/oauth';
import { startTestApp, type TestApp } from '../support/test-app';

const clock = movableClock();
const logs = captureLogs();
let app: TestApp;
let admin: TestUser;
beforeAll(async () => {
  // TRUST_PROXY: X-Forwarded-For sets the client IP, so the throttling tests can come from elsewhere.
  app = await startTestApp({ TRUST_PROXY: 'true' }, clock, logs);
  admin = await registeredAdmin(app);
});
afterAll(() => app.close());

/** A machine client: confidential, client_credentials only, no redirect URIs. */
function machineClient(settings: Parameters<typeof registeredClient>[2] = {}): Promise<OAuthClientCreated> {
  return registeredClient(app, admin, {
    type: 'confidential',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    scope: 'users:admin todos:read',
    ...settings,
  });
}

/** POST /token grant_type=client_credentials, the secret with HTTP Basic (or as the form says). */
function grant(
  form: Record<string, string>,
  headers: Record<string, string> = {},
  ip = '198.51.100.1',
): Promise<Response> {
  const request = tokenRequest({ grant_type: 'client_credentials', ...form });
  return app.raw('/token', {
    ...request,
    headers: { ...(request.headers as Record<string, string>), 'X-Forwarded-For': ip, ...headers },
  });
}

const basic = (client: OAuthClientCreated, secret = client.client_secret!, scope?: string, ip?: string) =>
  grant(scope === undefined ? {} : { scope }, basicAuth(client.client_id, secret), ip);

async function tokenOf(client: OAuthClientCreated, scope?: string): Promise<string> {
  const response = await basic(client, client.client_secret!, scope);
  expect(response.status).toBe(200);
  return ((await response.json()) as TokenBody).access_token;
}

async function expectInvalidClient(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Basic realm="tollgate"');
  expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_client');
}

function auditLines(event: string): Array<Record<string, unknown>> {
  return logs
    .text()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.audit === true && line.event === event);
}

describe('the grant', () => {
  test('client_secret_basic and client_secret_post: a token of the client, no refresh token, no ID token', async () => {
    const client = await machineClient({ scope: 'users:admin todos:read openid' });
    for (const response of [
      await basic(client),
      await grant({ client_id: client.client_id, client_secret: client.client_secret! }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as TokenBody;
      // openid is registered but not granted unasked: it describes a user, and there is none.
      expect(body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 900,
        scope: 'todos:read users:admin',
      });
      const claims = jwtPayload(body.access_token);
      expect(claims.sub).toBe(client.client_id);
      expect(claims.client_id).toBe(client.client_id);
      for (const claim of ['ver', 'sid', 'amr']) expect(claims).not.toHaveProperty(claim);
    }
    expect(auditLines('client_token_issued').filter((l) => l.client_id === client.client_id)).toHaveLength(2);
  });

  test('a wrong secret, an unknown client or a public client is 401 invalid_client with the Basic challenge', async () => {
    const client = await machineClient();
    await expectInvalidClient(await basic(client, 'not-the-secret'));
    await expectInvalidClient(await grant({ client_id: client.client_id, client_secret: 'not-the-secret' }));
    await expectInvalidClient(await grant({ client_id: client.client_id }));
    await expectInvalidClient(await basic({ ...client, client_id: 'no-such-client' }));
    const publicClient = await registeredClient(app, admin);
    await expectInvalidClient(await grant({ client_id: publicClient.client_id }));
    const reasons = auditLines('client_authentication_failed').map((l) => [l.client_id, l.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [client.client_id, 'wrong_secret'],
        [undefined, 'unknown_client'],
        [publicClient.client_id, 'public_client'],
      ]),
    );
    // The made-up client_id is neither logged nor a metric label.
    expect(logs.text()).not.toContain('no-such-client');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).not.toContain('no-such-client');
    expect(metrics).toContain(
      'tollgate_client_authentication_failures_total{client_id="unknown",reason="unknown_client"}',
    );
    expect(metrics).toContain(`tollgate_client_tokens_issued_total{client_id="`);
  });

  test('a client_id no client can have (a NUL byte, a space) is 401 before any lookup, by Basic and by form', async () => {
    for (const clientId of ['a\u0000b', 'a%00b', 'a b', 'x'.repeat(65)]) {
      const viaBasic = await grant(
        {},
        { Authorization: `Basic ${Buffer.from(`${clientId}:secret`).toString('base64')}` },
      );
      await expectInvalidClient(viaBasic);
      expect((await grant({ client_id: clientId, client_secret: 'secret' })).status).toBeLessThan(500);
    }
    for (const path of ['/token/introspect', '/token/revoke']) {
      const request = tokenRequest({ token: 'anything' });
      const response = await app.raw(path, {
        ...request,
        headers: {
          ...(request.headers as Record<string, string>),
          Authorization: `Basic ${Buffer.from('a\u0000b:s').toString('base64')}`,
        },
      });
      await expectInvalidClient(response);
    }
  });

  test('a confidential client not registered for the grant is 400 unauthorized_client', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const response = await basic(client);
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('unauthorized_client');
  });

  test.each([
    ['a scope the client is not registered for', 'me'],
    ['an OpenID Connect scope, even a registered one', 'openid'],
    ['one allowed, one not', 'todos:read todos:write'],
  ])('%s is invalid_scope', async (_name, scope) => {
    const client = await machineClient({ scope: 'users:admin todos:read openid' });
    const response = await basic(client, client.client_secret!, scope);
    expect(response.status).toBe(400);
    expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_scope');
  });

  test('a narrower scope is granted as asked', async () => {
    const client = await machineClient();
    expect(jwtPayload(await tokenOf(client, 'todos:read')).scope).toBe('todos:read');
  });
});

describe('registration', () => {
  test('client_credentials needs a confidential client, at registration and on change', async () => {
    const created = await app.client.POST('/oauth/clients', {
      headers: admin.auth,
      body: { name: 'Machine', type: 'public', grant_types: ['client_credentials'] },
    });
    expect(created.response.status).toBe(400);
    expect(created.error?.errors).toEqual([
      { location: 'body', field: 'grant_types', message: 'client_credentials needs a confidential client' },
    ]);
    const publicClient = await registeredClient(app, admin);
    const changed = await app.client.PATCH('/oauth/clients/{client_id}', {
      params: { path: { client_id: publicClient.client_id } },
      headers: admin.auth,
      body: { grant_types: ['authorization_code', 'client_credentials'] },
    });
    expect(changed.response.status).toBe(400);
  });

  test('a machine client may have no redirect URIs; it lists client_credentials', async () => {
    const client = await machineClient();
    expect(client.redirect_uris).toEqual([]);
    expect(client.grant_types).toEqual(['client_credentials']);
  });
});

describe('a machine token', () => {
  test('works on admin operations; the audit names the client', async () => {
    const client = await machineClient();
    const token = await tokenOf(client);
    expect((await app.client.GET('/users', { headers: bearer(token) })).response.status).toBe(200);
    const user = await registeredUser(app);
    const id = (await app.client.GET('/users/me', { headers: user.auth })).data!.id;
    const patched = await app.client.PATCH('/users/{id}', {
      params: { path: { id } },
      body: { email_verified: true },
      headers: bearer(token),
    });
    expect(patched.response.status).toBe(200);
    const line = auditLines('user_updated').find((l) => l.user_id === id);
    expect(line).toMatchObject({ admin_client_id: client.client_id });
    expect(line).not.toHaveProperty('admin_id');
  });

  test('is 403 user_required on operations that act for a user', async () => {
    const client = await machineClient({ scope: 'users:admin todos:read todos:write me' });
    const token = await tokenOf(client);
    for (const { error, response } of [
      await app.client.GET('/users/me', { headers: bearer(token) }),
      await app.client.GET('/todos', { headers: bearer(token) }),
    ]) {
      expect(response.status).toBe(403);
      expect(error?.code).toBe('user_required');
    }
  });

  test('stops at once when the client is deleted, loses the grant or the scope', async () => {
    const asAdmin = (token: string) => app.client.GET('/users', { headers: bearer(token) });
    const deleted = await machineClient();
    const deletedToken = await tokenOf(deleted);
    await app.client.DELETE('/oauth/clients/{client_id}', {
      params: { path: { client_id: deleted.client_id } },
      headers: admin.auth,
    });
    expect((await asAdmin(deletedToken)).response.status).toBe(401);

    const change = (client: OAuthClientCreated, body: Record<string, unknown>) =>
      app.client.PATCH('/oauth/clients/{client_id}', {
        params: { path: { client_id: client.client_id } },
        headers: admin.auth,
        body,
      });
    const narrowed = await machineClient();
    const narrowedToken = await tokenOf(narrowed);
    expect((await change(narrowed, { scope: 'todos:read' })).response.status).toBe(200);
    const refused = await asAdmin(narrowedToken);
    expect(refused.response.status).toBe(403);
    expect(refused.error?.code).toBe('insufficient_scope');

    const ungranted = await machineClient();
    const ungrantedToken = await tokenOf(ungranted);
    expect(
      (await change(ungranted, { grant_types: ['authorization_code'], redirect_uris: ['https://rp.example.com/cb'] }))
        .response.status,
    ).toBe(200);
    expect((await asAdmin(ungrantedToken)).response.status).toBe(401);
  });
});

describe('secret rotation', () => {
  const rotate = (clientId: string, body?: { grace_seconds?: number }, auth = admin.auth) =>
    app.client.POST('/oauth/clients/{client_id}/secret', {
      params: { path: { client_id: clientId } },
      headers: auth,
      ...(body && { body }),
    });

  test('without grace_seconds the old secret dies at once', async () => {
    const client = await machineClient();
    const { data, response } = await rotate(client.client_id);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(data).toEqual({
      client_id: client.client_id,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      previous_secret_expires_at: null,
    });
    await expectInvalidClient(await basic(client));
    expect((await basic(client, data!.client_secret)).status).toBe(200);
    expect(auditLines('oauth_client_secret_rotated').at(-1)).toMatchObject({ client_id: client.client_id });
  });

  test('without grace_seconds (a leak) the tokens the old secret minted end too; with grace they live on', async () => {
    const leaked = await machineClient();
    const mintedByThief = await tokenOf(leaked);
    expect((await app.raw('/users', { headers: bearer(mintedByThief) })).status).toBe(200);
    const { data } = await rotate(leaked.client_id);
    expect((await app.raw('/users', { headers: bearer(mintedByThief) })).status).toBe(401);
    const fresh = await tokenOf({ ...leaked, client_secret: data!.client_secret });
    expect((await app.raw('/users', { headers: bearer(fresh) })).status).toBe(200);

    // A planned rollover keeps its deployments' tokens working.
    const rolling = await machineClient();
    const held = await tokenOf(rolling);
    await rotate(rolling.client_id, { grace_seconds: 60 });
    expect((await app.raw('/users', { headers: bearer(held) })).status).toBe(200);
  });

  test('with grace_seconds both work until then, then only the new one', async () => {
    const client = await machineClient();
    const { data } = await rotate(client.client_id, { grace_seconds: 60 });
    expect(Date.parse(data!.previous_secret_expires_at!)).toBe(clock.now().getTime() + 60_000);
    expect((await basic(client)).status).toBe(200);
    expect((await basic(client, data!.client_secret)).status).toBe(200);
    clock.advance(61);
    await expectInvalidClient(await basic(client));
    expect((await basic(client, data!.client_secret)).status).toBe(200);
    // A second rotation replaces the previous secret: the first one never comes back.
    const again = await rotate(client.client_id, { grace_seconds: 60 });
    await expectInvalidClient(await basic(client));
    expect((await basic(client, data!.client_secret)).status).toBe(200);
    expect((await basic(client, again.data!.client_secret)).status).toBe(200);
  });

  test('two rotations at once with a grace period: both new secrets work (neither overwrote the other unseen)', async () => {
    const client = await machineClient();
    const [a, b] = await Promise.all([
      rotate(client.client_id, { grace_seconds: 60 }),
      rotate(client.client_id, { grace_seconds: 60 }),
    ]);
    for (const rotated of [a, b]) expect((await basic(client, rotated.data!.client_secret)).status).toBe(200);
  });

  test('a public client is 409, an unknown one 404, a non-admin 403; grace_seconds is bounded', async () => {
    const publicClient = await registeredClient(app, admin);
    const conflict = await rotate(publicClient.client_id);
    expect(conflict.response.status).toBe(409);
    expect(conflict.error?.code).toBe('public_client');
    expect((await rotate('no-such-client')).response.status).toBe(404);
    const client = await machineClient();
    const user = await registeredUser(app);
    expect((await rotate(client.client_id, undefined, user.auth)).response.status).toBe(403);
    expect((await rotate(client.client_id, { grace_seconds: 2_592_001 })).response.status).toBe(400);
    expect((await rotate(client.client_id, { grace_seconds: 0 })).response.status).toBe(400);
    expect((await basic(client)).status).toBe(200);
  });
});

describe('throttling failed client authentication', () => {
  test('past 10 failures per client and IP: 429 with Retry-After, even for the right secret; other IPs and clients unaffected', async () => {
    const client = await machineClient();
    const other = await machineClient();
    const ip = '203.0.113.7';
    for (let i = 0; i < 10; i += 1) await expectInvalidClient(await basic(client, `wrong-${i}`, undefined, ip));
    for (const secret of ['wrong-again', client.client_secret!]) {
      const throttled = await basic(client, secret, undefined, ip);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await throttled.json()) as OAuthErrorBody).error).toBe('temporarily_unavailable');
    }
    expect(auditLines('client_authentication_failed').at(-1)).toMatchObject({
      client_id: client.client_id,
      reason: 'throttled',
    });
    expect((await basic(client, client.client_secret!, undefined, '203.0.113.8')).status).toBe(200);
    expect((await basic(other, other.client_secret!, undefined, ip)).status).toBe(200);
    clock.advance(901);
    expect((await basic(client, client.client_secret!, undefined, ip)).status).toBe(200);
    // The admin's own token has expired meanwhile.
    admin = await registeredAdmin(app);
  });

  test('a success clears the count', async () => {
    const client = await machineClient();
    const ip = '203.0.113.9';
    for (let i = 0; i < 9; i += 1) await expectInvalidClient(await basic(client, `wrong-${i}`, undefined, ip));
    expect((await basic(client, client.client_secret!, undefined, ip)).status).toBe(200);
    for (let i = 0; i < 10; i += 1) await expectInvalidClient(await basic(client, `wrong-${i}`, undefined, ip));
    expect((await basic(client, client.client_secret!, undefined, ip)).status).toBe(429);
  });

  test('the same limit guards the authorization code grant (the shared client authentication)', async () => {
    const client = await registeredClient(app, admin, { type: 'confidential' });
    const ip = '203.0.113.10';
    const exchange = (secret: string) =>
      app.raw('/token', {
        ...tokenRequest({ grant_type: 'authorization_code', code: 'some-code', code_verifier: 'v'.repeat(43) }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'X-Forwarded-For': ip,
          ...basicAuth(client.client_id, secret),
        },
      });
    for (let i = 0; i < 10; i += 1) await expectInvalidClient(await exchange(`wrong-${i}`));
    expect((await exchange(client.client_secret!)).status).toBe(429);
  });
});
