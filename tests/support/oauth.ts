import { createHash, randomBytes } from 'node:crypto';
import type { components } from '../../generated/api';
import { bearer, login, tokenRequest, type TestUser, type TokenBody } from './flows';
import type { TestApp } from './test-app';

export type OAuthClientCreated = components['schemas']['OAuthClientCreated'];

export const REDIRECT = 'https://rp.example.com/callback';

/** Registers a client over HTTP as `admin`. */
export async function registeredClient(
  app: TestApp,
  admin: TestUser,
  settings: Partial<components['schemas']['OAuthClientCreate']> = {},
): Promise<OAuthClientCreated> {
  const { data, response } = await app.client.POST('/oauth/clients', {
    headers: admin.auth,
    body: { name: 'Example RP', type: 'public', redirect_uris: [REDIRECT], ...settings },
  });
  if (!data) throw new Error(`client registration failed: ${response.status}`);
  return data;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** GET /oauth/authorize, not following the redirect. */
export async function authorizeRequest(
  app: TestApp,
  params: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  return app.raw(`/oauth/authorize?${new URLSearchParams(params).toString()}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
}

/** The standard parameters of a valid request for `client`, with `extra` on top. */
export function authorizeParams(
  client: { client_id: string },
  challenge: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: 'openid profile email me',
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    nonce: 'n-456',
    ...extra,
  };
}

export function locationOf(response: Response): URL {
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location, 'http://placeholder.invalid');
}

/** The authorization_id of a redirect to the sign-in page. */
export function authorizationIdOf(response: Response): string {
  const url = locationOf(response);
  const id = url.searchParams.get('authorization_id');
  if (url.pathname !== '/ui/authorize' || id === null) throw new Error(`expected the sign-in page, got ${url.href}`);
  return id;
}

/** Signs in as the hosted pages do (password grant, scope me): the bearer the consent page uses. */
export async function pageSignIn(app: TestApp, user: Pick<TestUser, 'username' | 'password'>): Promise<string> {
  const body = (await (await login(app, user.username, user.password, 'me')).json()) as TokenBody;
  return body.access_token;
}

/** POST …/consent; returns the redirect URL and the sign-in cookie it set (as a Cookie header value). */
export async function decide(
  app: TestApp,
  authorizationId: string,
  auth: { bearer?: string; cookie?: string },
  action: 'approve' | 'deny' = 'approve',
): Promise<{ status: number; url: URL | undefined; cookie: string | undefined }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(auth.bearer !== undefined && bearer(auth.bearer)),
    ...(auth.cookie !== undefined && { cookie: auth.cookie }),
  };
  const response = await app.raw(`/oauth/authorizations/${authorizationId}/consent`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ action }),
  });
  const body = (await response.json()) as { redirect_url?: string };
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    url: body.redirect_url === undefined ? undefined : new URL(body.redirect_url),
    cookie: setCookie === null ? undefined : setCookie.split(';')[0],
  };
}

/** The whole browser part for a user without a second factor: authorize, sign in, approve; the code and the cookie. */
export async function authorizedCode(
  app: TestApp,
  user: TestUser,
  client: { client_id: string },
  challenge: string,
  extra: Record<string, string> = {},
): Promise<{ code: string; cookie: string | undefined }> {
  const id = authorizationIdOf(await authorizeRequest(app, authorizeParams(client, challenge, extra)));
  const decided = await decide(app, id, { bearer: await pageSignIn(app, user) });
  const code = decided.url?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${decided.status} ${decided.url?.href}`);
  return { code, cookie: decided.cookie };
}

/** POST /token with the authorization code grant. */
export async function exchange(
  app: TestApp,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = tokenRequest({ grant_type: 'authorization_code', redirect_uri: REDIRECT, ...fields });
  return app.raw('/token', { ...request, headers: { ...(request.headers as Record<string, string>), ...headers } });
}

export function basicAuth(clientId: string, secret: string): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  };
}

export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
