import type { components } from '../../generated/api';
import type { TollgateClient } from '../../src/client';
import type { OperationId } from '../../src/http/openapi/operation-types';

/** What a call needs to name: example values against the mock, real ones against the server. */
export interface CallContext {
  /** A user that exists, with their password. */
  readonly user: { readonly username: string; readonly password: string };
  /** A user that does not exist yet. */
  readonly newUser: components['schemas']['UserCreate'];
  readonly userId: number;
  readonly todoId: number;
  readonly refreshToken: string | undefined;
  /** A session of the user, when the call needs a real one (else the spec's example id). */
  readonly sessionId?: string;
  /** A second-factor code, when the call needs a right one (else the spec's example). */
  readonly code?: string;
  /** Tokens as mailed to `user`; without them, the spec's example (which the mock accepts and the server never issued). */
  readonly resetToken?: string;
  readonly verificationToken?: string;
  /** A registered OAuth client and a pending authorization request (else the spec's examples). */
  readonly clientId?: string;
  /** A confidential client's secret, with `clientId` (else the spec's example, which only the mock accepts). */
  readonly clientSecret?: string;
  readonly authorizationId?: string;
  /** One of the user's passkeys (else the spec's example id). */
  readonly passkeyId?: number;
  /** A live registration challenge and the authenticator's answer (else the spec's example, which only the mock accepts). */
  readonly passkeyRegistration?: {
    readonly challenge_id: string;
    readonly credential: components['schemas']['RegistrationResponse'];
  };
}

type Headers = Record<string, string>;

const EXAMPLE_MAIL_TOKEN = '3q2-7wXhQ0hXb9a4Yc1mZ0EXAMPLEresetTOKENzzz0';
export type OperationCall = (
  client: TollgateClient,
  context: CallContext,
  headers?: Headers,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

const form = (headers: Headers = {}) => ({
  bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>).toString(),
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
});

/**
 * One valid call per operation, through the typed client. Typed by operationId, so an operation
 * added to the spec does not compile until it has a call here.
 */
export const EVERY_OPERATION: { readonly [Id in OperationId]: OperationCall } = {
  createUser: (c, x, headers) => c.POST('/users', { body: x.newUser, headers }),
  listUsers: (c, x, headers) =>
    c.GET('/users', { params: { query: { limit: 20, username_prefix: x.user.username.slice(0, 3) } }, headers }),
  getCurrentUser: (c, _x, headers) => c.GET('/users/me', { headers }),
  updateCurrentUser: (c, x, headers) =>
    c.PATCH('/users/me', {
      body: { email: `${x.user.username}@example.org`, current_password: x.user.password },
      headers,
    }),
  changePassword: (c, x, headers) =>
    c.PUT('/users/me/password', {
      body: { current_password: x.user.password, new_password: 'tr0ubadour and a longer tail' },
      headers,
    }),
  endAllSessions: (c, _x, headers) => c.DELETE('/users/me/sessions', { headers }),
  getUser: (c, x, headers) => c.GET('/users/{id}', { params: { path: { id: x.userId } }, headers }),
  updateUser: (c, x, headers) =>
    c.PATCH('/users/{id}', { params: { path: { id: x.userId } }, body: { is_active: false }, headers }),
  issueToken: (c, x, headers) =>
    c.POST('/token', {
      body: { grant_type: 'password', username: x.user.username, password: x.user.password },
      ...form(headers),
    }),
  // Without a token (refreshToken undefined) the form is valid too: RFC 7009 lets it come from the cookie.
  revokeToken: (c, x, headers) =>
    c.POST('/token/revoke', {
      body: { ...(x.refreshToken !== undefined && { token: x.refreshToken }), token_type_hint: 'refresh_token' },
      ...form(headers),
      parseAs: 'text',
    }),
  introspectToken: (c, x, headers) =>
    c.POST('/token/introspect', {
      body: {
        token: x.refreshToken ?? EXAMPLE_ACCESS_TOKEN,
        client_id: x.clientId ?? EXAMPLE_CLIENT_ID,
        client_secret: x.clientSecret ?? EXAMPLE_CLIENT_SECRET,
      },
      ...form(headers),
    }),
  getJwks: (c, _x, headers) => c.GET('/.well-known/jwks.json', { headers }),
  getAuthorizationServerMetadata: (c, _x, headers) => c.GET('/.well-known/oauth-authorization-server', { headers }),
  listTodos: (c, _x, headers) => c.GET('/todos', { params: { query: { limit: 20 } }, headers }),
  createTodo: (c, _x, headers) => c.POST('/todos', { body: { title: 'Buy milk' }, headers }),
  getTodo: (c, x, headers) => c.GET('/todos/{id}', { params: { path: { id: x.todoId } }, headers }),
  updateTodo: (c, x, headers) =>
    c.PATCH('/todos/{id}', { params: { path: { id: x.todoId } }, body: { done: true }, headers }),
  deleteTodo: (c, x, headers) => c.DELETE('/todos/{id}', { params: { path: { id: x.todoId } }, headers }),
  listSessions: (c, _x, headers) => c.GET('/users/me/sessions', { headers }),
  endSession: (c, x, headers) =>
    c.DELETE('/users/me/sessions/{sessionId}', {
      params: { path: { sessionId: x.sessionId ?? EXAMPLE_SESSION_ID } },
      headers,
    }),
  startTotpEnrolment: (c, x, headers) =>
    c.POST('/users/me/mfa/totp', { body: { current_password: x.user.password }, headers }),
  confirmTotpEnrolment: (c, x, headers) =>
    c.POST('/users/me/mfa/totp/confirm', {
      body: { code: x.code ?? '492039', current_password: x.user.password },
      headers,
    }),
  disableTotp: (c, x, headers) => c.POST('/users/me/mfa/totp/disable', { body: { code: x.code ?? '492039' }, headers }),
  regenerateRecoveryCodes: (c, x, headers) =>
    c.POST('/users/me/mfa/recovery-codes', { body: { code: x.code ?? '492039' }, headers }),
  resetUserMfa: (c, x, headers) => c.DELETE('/users/{id}/mfa', { params: { path: { id: x.userId } }, headers }),
  requestPasswordReset: (c, x, headers) =>
    c.POST('/password-reset', { body: { email: `${x.user.username}@example.com` }, headers }),
  confirmPasswordReset: (c, x, headers) =>
    c.POST('/password-reset/confirm', {
      body: { token: x.resetToken ?? EXAMPLE_MAIL_TOKEN, new_password: 'tr0ubadour and a longer tail' },
      headers,
    }),
  requestEmailVerification: (c, _x, headers) => c.POST('/email-verification', { headers }),
  listPasskeys: (c, _x, headers) => c.GET('/users/me/passkeys', { headers }),
  startPasskeyRegistration: (c, x, headers) =>
    c.POST('/users/me/passkeys/registration/options', { body: { current_password: x.user.password }, headers }),
  finishPasskeyRegistration: (c, x, headers) =>
    c.POST('/users/me/passkeys/registration/verify', {
      body: { ...(x.passkeyRegistration ?? EXAMPLE_REGISTRATION), name: 'Laptop' },
      headers,
    }),
  renamePasskey: (c, x, headers) =>
    c.PATCH('/users/me/passkeys/{id}', {
      params: { path: { id: x.passkeyId ?? 1 } },
      body: { name: 'Work laptop' },
      headers,
    }),
  deletePasskey: (c, x, headers) =>
    c.DELETE('/users/me/passkeys/{id}', {
      params: { path: { id: x.passkeyId ?? 1 } },
      body: { current_password: x.user.password },
      headers,
    }),
  startPasskeyAuthentication: (c, _x, headers) => c.POST('/passkeys/authentication/options', { headers }),
  confirmEmailVerification: (c, x, headers) =>
    c.POST('/email-verification/confirm', { body: { token: x.verificationToken ?? EXAMPLE_MAIL_TOKEN }, headers }),
  createOauthClient: (c, _x, headers) =>
    c.POST('/oauth/clients', {
      body: { name: 'Example Notes', type: 'public', redirect_uris: ['https://notes.example.com/callback'] },
      headers,
    }),
  listOauthClients: (c, _x, headers) => c.GET('/oauth/clients', { params: { query: { limit: 20 } }, headers }),
  getOauthClient: (c, x, headers) =>
    c.GET('/oauth/clients/{client_id}', { params: { path: { client_id: x.clientId ?? EXAMPLE_CLIENT_ID } }, headers }),
  updateOauthClient: (c, x, headers) =>
    c.PATCH('/oauth/clients/{client_id}', {
      params: { path: { client_id: x.clientId ?? EXAMPLE_CLIENT_ID } },
      body: { name: 'Renamed Notes' },
      headers,
    }),
  rotateOauthClientSecret: (c, x, headers) =>
    c.POST('/oauth/clients/{client_id}/secret', {
      params: { path: { client_id: x.clientId ?? EXAMPLE_CLIENT_ID } },
      body: { grace_seconds: 3600 },
      headers,
    }),
  deleteOauthClient: (c, x, headers) =>
    c.DELETE('/oauth/clients/{client_id}', {
      params: { path: { client_id: x.clientId ?? EXAMPLE_CLIENT_ID } },
      headers,
    }),
  authorize: (c, x, headers) =>
    c.GET('/oauth/authorize', {
      params: {
        query: {
          response_type: 'code',
          client_id: x.clientId ?? EXAMPLE_CLIENT_ID,
          redirect_uri: 'https://notes.example.com/callback',
          scope: 'openid',
          state: 'af0ifjsldkj',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        },
      },
      headers,
      redirect: 'manual',
      parseAs: 'text',
    }),
  getAuthorization: (c, x, headers) =>
    c.GET('/oauth/authorizations/{authorization_id}', {
      params: { path: { authorization_id: x.authorizationId ?? EXAMPLE_AUTHORIZATION_ID } },
      headers,
    }),
  decideAuthorization: (c, x, headers) =>
    c.POST('/oauth/authorizations/{authorization_id}/consent', {
      params: { path: { authorization_id: x.authorizationId ?? EXAMPLE_AUTHORIZATION_ID } },
      body: { action: 'deny' },
      headers,
    }),
  listAuthorizedApps: (c, _x, headers) => c.GET('/users/me/authorized-apps', { headers }),
  revokeAuthorizedApp: (c, x, headers) =>
    c.DELETE('/users/me/authorized-apps/{client_id}', {
      params: { path: { client_id: x.clientId ?? EXAMPLE_CLIENT_ID } },
      headers,
    }),
  getUserInfo: (c, _x, headers) => c.GET('/userinfo', { headers }),
  postUserInfo: (c, _x, headers) => c.POST('/userinfo', { headers }),
  getOpenIdConfiguration: (c, _x, headers) => c.GET('/.well-known/openid-configuration', { headers }),
};

const EXAMPLE_CLIENT_ID = '6mQ2uE1vY8kR3pZt0aLxWg';
const EXAMPLE_CLIENT_SECRET = 'q7Zb1XyE0nRk3LmV8sTgUaWcJdHfPo2iQeYrNtKxM4s';
const EXAMPLE_ACCESS_TOKEN = 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl';
const EXAMPLE_AUTHORIZATION_ID = 'Zk9x1qYl0bP4cW2eR7tUvA';
const EXAMPLE_REGISTRATION = {
  challenge_id: '3q2n8bXk4b1Yw0N5m7Qp6A',
  credential: {
    id: '6pG2dHkNqR3x0xY2bN8s1A',
    rawId: '6pG2dHkNqR3x0xY2bN8s1A',
    type: 'public-key' as const,
    response: {
      clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0',
      attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjE',
    },
  },
};

const EXAMPLE_SESSION_ID = '3f0e7a52-5b0c-4c54-9f1e-0d8f3a9b6c21';

/** The context matching the spec's own examples (user alice, id 1, todo 1). */
export const EXAMPLE_CONTEXT: CallContext = {
  user: { username: 'alice', password: 'correct horse battery staple' },
  newUser: { username: 'alice', email: 'alice@example.com', password: 'correct horse battery staple' },
  userId: 1,
  todoId: 1,
  refreshToken: '8xLOxBtZp8KxWnHJfmMJyrtLpgXy4D9sEXAMPLEtokEN',
};
