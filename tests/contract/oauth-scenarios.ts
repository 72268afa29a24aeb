import type { components } from '../../generated/api';
import { EVERY_OPERATION } from '../support/every-operation';
import type { ProxiedScenario, Setup } from './proxy-scenarios';

/** The redirect URI EVERY_OPERATION.authorize sends. */
const REDIRECT = 'https://notes.example.com/callback';

/** A client registered through the proxy by the scenario's admin. */
async function newClient(s: Setup, type: 'public' | 'confidential' = 'public'): Promise<string> {
  const { data } = await s.client.POST('/oauth/clients', {
    body: { name: 'Contract RP', type, redirect_uris: [REDIRECT] },
  });
  if (!data) throw new Error('client registration through the proxy failed');
  return data.client_id;
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
