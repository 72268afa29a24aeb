import { rmSync } from 'node:fs';
import { getWithHeaders, getWithHost } from '../support/node-get';
import { decodeJwt } from 'jose';
import { keyPair, tempDir } from '../support/keys';
import { registeredAdmin } from '../support/flows';
import { PRODUCTION_MAIL } from '../support/mail-env';
import { authorizeParams, authorizeRequest, locationOf, pkce, registeredClient } from '../support/oauth';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

async function getJson(app: TestApp, path: string): Promise<{ response: Response; body: Record<string, unknown> }> {
  const response = await app.raw(path);
  return { response, body: (await response.json()) as Record<string, unknown> };
}

describe('getJwks', () => {
  test('HS256: the secret is never published; only the ID-token key (RS256, generated in development), cacheable', async () => {
    const app = await startTestApp();
    try {
      const { response, body } = await getJson(app, '/.well-known/jwks.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(body).toEqual({
        keys: [{ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), use: 'sig', alg: 'RS256' }],
      });
    } finally {
      await app.close();
    }
  });

  test('EdDSA: the public key only, with kid, use and alg', async () => {
    const dir = tempDir();
    const pair = await keyPair(dir, 'EdDSA');
    const app = await startTestApp({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY_FILE: pair.privateKeyFile });
    try {
      const { body } = await getJson(app, '/.well-known/jwks.json');
      expect(body).toEqual({
        keys: [
          {
            kty: 'OKP',
            crv: 'Ed25519',
            x: pair.publicKey.export({ format: 'jwk' }).x,
            kid: pair.kid,
            use: 'sig',
            alg: 'EdDSA',
          },
        ],
      });
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('getAuthorizationServerMetadata', () => {
  const supported = {
    grant_types_supported: [
      'password',
      'refresh_token',
      'urn:tollgate:params:oauth:grant-type:mfa-otp',
      'urn:tollgate:params:oauth:grant-type:mfa-recovery-code',
      'authorization_code',
      'urn:tollgate:params:oauth:grant-type:passkey',
      'client_credentials',
    ],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['me', 'todos:read', 'todos:write', 'users:admin', 'openid', 'profile', 'email'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'amr',
      'sid',
      'preferred_username',
      'email',
      'email_verified',
    ],
    prompt_values_supported: ['none', 'login', 'consent'],
    authorization_response_iss_parameter_supported: true,
  };

  test('with PUBLIC_URL: the issuer is PUBLIC_URL and every endpoint lives under it', async () => {
    const app = await startTestApp({ PUBLIC_URL: 'https://auth.example.com/' });
    try {
      const { response, body } = await getJson(app, '/.well-known/oauth-authorization-server');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect((await getJson(app, '/.well-known/openid-configuration')).body).toEqual(body);
      expect(body).toEqual({
        issuer: 'https://auth.example.com',
        authorization_endpoint: 'https://auth.example.com/oauth/authorize',
        userinfo_endpoint: 'https://auth.example.com/userinfo',
        token_endpoint: 'https://auth.example.com/token',
        revocation_endpoint: 'https://auth.example.com/token/revoke',
        introspection_endpoint: 'https://auth.example.com/token/introspect',
        jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
        ...supported,
      });
    } finally {
      await app.close();
    }
  });

  test('without PUBLIC_URL: URLs from the request, issuer JWT_ISSUER (default tollgate)', async () => {
    const app = await startTestApp({ JWT_ISSUER: 'https://issuer.example.com' });
    try {
      const { body } = await getJson(app, '/.well-known/oauth-authorization-server');
      expect(body).toEqual({
        issuer: 'https://issuer.example.com',
        authorization_endpoint: `${app.url}/oauth/authorize`,
        userinfo_endpoint: `${app.url}/userinfo`,
        token_endpoint: `${app.url}/token`,
        revocation_endpoint: `${app.url}/token/revoke`,
        introspection_endpoint: `${app.url}/token/introspect`,
        jwks_uri: `${app.url}/.well-known/jwks.json`,
        ...supported,
      });
      // The advertised endpoints are the real ones.
      expect((await app.raw(new URL(String(body.jwks_uri)).pathname)).status).toBe(200);
      const introspection = await app.raw(new URL(String(body.introspection_endpoint)).pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=abc',
      });
      // It exists, and asks for client authentication first.
      expect(introspection.status).toBe(401);
      expect(await introspection.json()).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
    } finally {
      await app.close();
    }
  });

  test('Host / X-Forwarded-Host poisoning: with PUBLIC_URL the public document keeps its URLs', async () => {
    const app = await startTestApp({ PUBLIC_URL: 'https://auth.example.com', TRUST_PROXY: 'true' });
    try {
      const url = `${app.url}/.well-known/oauth-authorization-server`;
      for (const headers of [
        { Host: 'evil.example' },
        { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
      ] as Record<string, string>[]) {
        const { status, body, cacheControl } = await getWithHeaders(url, headers);
        expect({ status, cacheControl }).toEqual({ status: 200, cacheControl: 'public, max-age=300' });
        expect(JSON.parse(body)).toMatchObject({
          token_endpoint: 'https://auth.example.com/token',
          jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
        });
      }
    } finally {
      await app.close();
    }
  });

  test('Host / X-Forwarded-Host poisoning: without PUBLIC_URL a document built on them is never publicly cacheable', async () => {
    const app = await startTestApp({ TRUST_PROXY: 'true' });
    try {
      const url = `${app.url}/.well-known/oauth-authorization-server`;
      for (const headers of [{ Host: 'evil.example' }, { 'X-Forwarded-Host': 'evil.example' }] as Record<
        string,
        string
      >[]) {
        const { status, body, cacheControl } = await getWithHeaders(url, headers);
        expect({ status, cacheControl }).toEqual({ status: 200, cacheControl: 'no-store' });
        expect(JSON.parse(body)).toMatchObject({ token_endpoint: 'http://evil.example/token' });
      }
    } finally {
      await app.close();
    }
  });

  test('without PUBLIC_URL, a Host header that is not a host → 400 naming the header, not a 500', async () => {
    const app = await startTestApp();
    try {
      const { status, body } = await getWithHost(`${app.url}/.well-known/oauth-authorization-server`, 'not a host');
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({
        code: 'validation_failed',
        errors: [{ location: 'header', field: 'host', message: 'is not a valid host' }],
      });
    } finally {
      await app.close();
    }
  });

  test('tokens carry the configured issuer: PUBLIC_URL unless JWT_ISSUER says otherwise', async () => {
    const app = await startTestApp({ PUBLIC_URL: 'https://auth.example.com' });
    try {
      const token = await app.server.services.tokens.issue({ id: 1, token_version: 0 }, ['me']);
      expect(decodeJwt(token).iss).toBe('https://auth.example.com');
    } finally {
      await app.close();
    }
  });

  test('production with HS256 and no ID-token key: starts, warns once, offers no openid, and refuses it with invalid_scope', async () => {
    const logs: string[] = [];
    const sink = { write: (line: string) => void logs.push(line) };
    const app = await startTestApp(
      { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', JWT_SECRET: TEST_SECRET, ...PRODUCTION_MAIL },
      undefined,
      sink,
    );
    try {
      expect(logs.filter((line) => line.includes('no key signs ID tokens'))).toHaveLength(1);
      const { body } = await getJson(app, '/.well-known/openid-configuration');
      expect(body).toMatchObject({
        id_token_signing_alg_values_supported: [],
        scopes_supported: ['me', 'todos:read', 'todos:write', 'users:admin', 'profile', 'email'],
      });
      expect((await getJson(app, '/.well-known/jwks.json')).body).toEqual({ keys: [] });
      const admin = await registeredAdmin(app);
      const client = await registeredClient(app, admin);
      const url = locationOf(
        await authorizeRequest(app, authorizeParams(client, pkce().challenge, { scope: 'openid' })),
      );
      expect(url.searchParams.get('error')).toBe('invalid_scope');
    } finally {
      await app.close();
    }
  });
});
