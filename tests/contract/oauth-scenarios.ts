import type { components } from '../../generated/api';
import { EVERY_OPERATION } from '../support/every-operation';
import type { ProxiedScenario, Setup } from './proxy-scenarios';

type Result = { data?: unknown; error?: unknown; response: Response };

/** The redirect URI EVERY_OPERATION.authorize sends. */
const REDIRECT = 'https://notes.example.com/callback';

/** A client registered through the proxy by the scenario's admin. */
async function newClient(s: Setup, type: 'public' | 'confidential' = 'public'): Promise<string> {
  return (await registered(s, type)).client_id;
}

async function registered(s: Setup, type: 'public' | 'confidential') {
  const { data } = await s.client.POST('/oauth/clients', {
    body: { name: 'Contract RP', type, redirect_uris: [REDIRECT] },
  });
  if (!data) throw new Error('client registration through the proxy failed');
  return data;
}

/** A confidential client's credentials, for the operations only such a client may call. */
async function confidential(s: Setup): Promise<{ clientId: string; clientSecret: string }> {
  const { client_id, client_secret } = await registered(s, 'confidential');
  return { clientId: client_id, clientSecret: client_secret ?? '' };
}

let address = 0;

/** Failed authentications of one confidential client from one (forwarded) address until the throttle answers 429. */
function clientThrottled(send: (s: Setup, clientId: string, headers: Record<string, string>) => Promise<Result>) {
  return {
    status: 429,
    admin: true,
    async run(s: Setup) {
      address += 1;
      const clientId = await newClient(s, 'confidential');
      for (let n = 0; n < 50; n += 1) {
        const result = await send(s, clientId, { 'x-forwarded-for': `198.51.100.${address}` });
        if (result.response.status === 429) return result;
      }
      throw new Error('client authentication was never throttled in 50 attempts');
    },
  } satisfies ProxiedScenario;
}

/** A pending authorization request of a new client: its id, from the sign-in page's URL. */
async function pending(s: Setup): Promise<{ clientId: string; authorizationId: string }> {
  const clientId = await newClient(s);
  const { response } = await EVERY_OPERATION.authorize(await s.direct(), { ...s.context, clientId });
  const authorizationId = new URL(
    response.headers.get('location') ?? '',
    'http://placeholder.invalid',
  ).searchParams.get('authorization_id');
  if (!authorizationId) throw new Error(`authorize answered ${response.status} without a sign-in page`);
  return { clientId, authorizationId };
}

type Consent = components['schemas']['ConsentDecision'];
const approve = (s: Setup, authorizationId: string) =>
  s.client.POST('/oauth/authorizations/{authorization_id}/consent', {
    params: { path: { authorization_id: authorizationId } },
    body: { action: 'approve' } satisfies Consent,
  });

/** Scenarios that need a real client, authorization request or consent (made through the proxy first). */
export const OAUTH_PROXIED = {
  getOauthClient: {
    status: 200,
    admin: true,
    run: async (s) => EVERY_OPERATION.getOauthClient(s.client, { ...s.context, clientId: await newClient(s) }),
  },
  updateOauthClient: {
    status: 200,
    admin: true,
    run: async (s) => EVERY_OPERATION.updateOauthClient(s.client, { ...s.context, clientId: await newClient(s) }),
  },
  rotateOauthClientSecret: {
    status: 200,
    admin: true,
    run: async (s) =>
      EVERY_OPERATION.rotateOauthClientSecret(s.client, { ...s.context, clientId: await newClient(s, 'confidential') }),
  },
  // A public client has no secret to rotate.
  rotateOauthClientSecret409: {
    status: 409,
    admin: true,
    run: async (s) => EVERY_OPERATION.rotateOauthClientSecret(s.client, { ...s.context, clientId: await newClient(s) }),
  },
  deleteOauthClient: {
    status: 204,
    admin: true,
    run: async (s) => EVERY_OPERATION.deleteOauthClient(s.client, { ...s.context, clientId: await newClient(s) }),
  },
  // Straight to the server: Prism's proxy answers the redirect with a 500 of its own.
  authorize: {
    status: 302,
    admin: true,
    run: async (s) => EVERY_OPERATION.authorize(await s.direct(), { ...s.context, clientId: await newClient(s) }),
  },
  getAuthorization: {
    status: 200,
    admin: true,
    run: async (s) => EVERY_OPERATION.getAuthorization(s.client, { ...s.context, ...(await pending(s)) }),
  },
  decideAuthorization: {
    status: 200,
    admin: true,
    run: async (s) => EVERY_OPERATION.decideAuthorization(s.client, { ...s.context, ...(await pending(s)) }),
  },
  revokeAuthorizedApp: {
    status: 204,
    admin: true,
    async run(s) {
      const { clientId, authorizationId } = await pending(s);
      await approve(s, authorizationId);
      return EVERY_OPERATION.revokeAuthorizedApp(s.client, { ...s.context, clientId });
    },
  },
  // A resource server asking about the user's access token (the context's refresh token is first-party: inactive to it).
  introspectToken200: {
    status: 200,
    admin: true,
    run: async (s) =>
      EVERY_OPERATION.introspectToken(s.client, { ...s.context, ...(await confidential(s)), refreshToken: s.token }),
  },
  introspectToken401: {
    status: 401,
    admin: true,
    run: async (s) =>
      EVERY_OPERATION.introspectToken(s.client, { ...s.context, clientId: await newClient(s, 'confidential') }),
  },
  // RFC 7009 §2.1: a confidential client's credentials are checked first, whatever the token.
  revokeToken401: {
    status: 401,
    admin: true,
    run: async (s) =>
      s.client.POST('/token/revoke', {
        body: {
          token: s.context.refreshToken ?? 'A'.repeat(43),
          client_id: await newClient(s, 'confidential'),
          client_secret: 'wrong',
        },
        bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        parseAs: 'text',
      }),
  },
  revokeToken429: clientThrottled((s, clientId, headers) =>
    s.client.POST('/token/revoke', {
      body: { token: 'A'.repeat(43), client_id: clientId, client_secret: 'wrong' },
      bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>).toString(),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      parseAs: 'text',
    }),
  ),
  introspectToken429: clientThrottled((s, clientId, headers) =>
    EVERY_OPERATION.introspectToken(s.client, { ...s.context, clientId, clientSecret: 'wrong' }, headers),
  ),
  // A confidential client's failed authentication (RFC 6749 §5.2): an unknown client here.
  issueToken401: {
    status: 401,
    run: (s) =>
      s.client.POST('/token', {
        body: {
          grant_type: 'authorization_code',
          code: 'SplxlOBeZQQYbYS6WxSbIA',
          code_verifier: 'v'.repeat(43),
          client_id: 'nosuchclient',
          redirect_uri: REDIRECT,
        },
        bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  },
} satisfies Record<string, ProxiedScenario>;
