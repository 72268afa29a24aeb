import type { TollgateClient } from '../../src/client';
import type { OperationId } from '../../src/http/openapi/operation-types';
import { EVERY_OPERATION, type CallContext } from '../support/every-operation';
import { MFA_INVALID, MFA_PROXIED } from './mfa-scenarios';
import { OAUTH_PROXIED } from './oauth-scenarios';
import { PASSKEY_INVALID, PASSKEY_PROXIED } from './passkey-scenarios';

type Result = { data?: unknown; error?: unknown; response: Response };

/** What a scenario gets: a fresh user with a todo, and clients through the proxy. */
export interface Setup {
  readonly context: CallContext;
  /** Logged in with every scope the user's role allows (admins: an admin). */
  readonly client: TollgateClient;
  /** The access token `client` holds. */
  readonly token: string;
  /** Logged in with only these scopes. */
  narrow(scope: string): Promise<TollgateClient>;
  /** Sends a bearer token the server never issued. */
  readonly forged: TollgateClient;
  /** Logged in like `client`, talking to the server itself: Prism's proxy answers a redirect (the 302 of /oauth/authorize) with a 500. */
  direct(): Promise<TollgateClient>;
  /** Another user's username and email, to collide with. */
  readonly other: { readonly username: string; readonly email: string };
}

/** A contract-valid request with a known outcome: sent through `prism proxy --errors`. */
export interface ProxiedScenario {
  readonly status: number;
  readonly admin?: boolean;
  run(setup: Setup): Promise<Result>;
}

/** A request the contract forbids: Prism refuses it itself, so it goes straight to the server. */
export interface InvalidScenario {
  readonly status: number;
  readonly admin?: boolean;
  /** A Host header: fetch cannot send one (node:http can), and Prism drops it when forwarding, so only the server is asked. */
  readonly host?: string;
  /** Prism does not refuse unknown query parameters: it forwards them, and the server's 400 must come back unflagged. */
  readonly prismForwards?: boolean;
  request(setup: Setup): { path: string; init: RequestInit };
}

const call =
  (id: OperationId, change: (context: CallContext) => Partial<CallContext> = () => ({})) =>
  (s: Setup, client = s.client) =>
    EVERY_OPERATION[id](client, { ...s.context, ...change(s.context) });
const success = (id: OperationId, status: number, admin = false): ProxiedScenario => ({ status, admin, run: call(id) });
const forged = (id: OperationId, admin = false): ProxiedScenario => ({
  status: 401,
  admin,
  run: (s) => call(id)(s, s.forged),
});
const narrow = (id: OperationId, scope: string, admin = false): ProxiedScenario => ({
  status: 403,
  admin,
  run: async (s) => call(id)(s, await s.narrow(scope)),
});
const missing = (id: OperationId, admin = false): ProxiedScenario => ({
  status: 404,
  admin,
  run: call(id, () => ({ todoId: 2147483647, userId: 2147483647 })),
});
const secured = (id: OperationId, otherScope: string, admin = false) => [
  forged(id, admin),
  narrow(id, otherScope, admin),
];

let address = 0;
/**
 * Repeats a call from an address of its own (the app runs with TRUST_PROXY=true, and Prism forwards
 * X-Forwarded-For) until the server throttles it, so other scenarios' attempts never count.
 */
const throttled = (id: OperationId, attempt: (x: CallContext, n: number) => Partial<CallContext>): ProxiedScenario => ({
  status: 429,
  async run(s) {
    address += 1;
    const headers = { 'x-forwarded-for': `203.0.113.${address}` };
    for (let n = 0; n < 50; n += 1) {
      const result = await EVERY_OPERATION[id](s.client, { ...s.context, ...attempt(s.context, n) }, headers);
      if (result.response.status === 429) return result;
    }
    throw new Error(`${id} was never throttled in 50 attempts`);
  },
});

export const PROXIED: { readonly [Id in OperationId]: readonly ProxiedScenario[] } = {
  createUser: [
    success('createUser', 201),
    { status: 409, run: call('createUser', (x) => ({ newUser: { ...x.newUser, username: x.user.username } })) },
    throttled('createUser', (x, n) => ({
      newUser: { ...x.newUser, username: `${x.newUser.username}_${n}`, email: `${n}${x.newUser.email}` },
    })),
  ],
  listUsers: [success('listUsers', 200, true), ...secured('listUsers', 'me', true)],
  getCurrentUser: [success('getCurrentUser', 200), ...secured('getCurrentUser', 'todos:read')],
  updateCurrentUser: [
    success('updateCurrentUser', 200),
    ...secured('updateCurrentUser', 'todos:read'),
    // A taken address gets the same answer as a free one (the 409 told who has an account).
    {
      status: 200,
      run: (s) =>
        s.client.PATCH('/users/me', { body: { email: s.other.email, current_password: s.context.user.password } }),
    },
    throttled('updateCurrentUser', () => ({})),
    // The access token alone does not move the address (403 reauthentication_required).
    { status: 403, run: (s) => s.client.PATCH('/users/me', { body: { email: `moved_${s.other.email}` } }) },
    throttled('updateCurrentUser', (x) => ({ user: { ...x.user, password: 'not the password' } })),
  ],
  changePassword: [
    success('changePassword', 204),
    ...secured('changePassword', 'todos:read'),
    { status: 400, run: call('changePassword', (x) => ({ user: { ...x.user, password: 'not the password' } })) },
    throttled('changePassword', (x) => ({ user: { ...x.user, password: 'not the password' } })),
  ],
  endAllSessions: [success('endAllSessions', 204), ...secured('endAllSessions', 'todos:read')],
  getUser: [success('getUser', 200, true), ...secured('getUser', 'me', true), missing('getUser', true)],
  updateUser: [
    success('updateUser', 200, true),
    ...secured('updateUser', 'me', true),
    missing('updateUser', true),
    // The admin deactivating themselves.
    {
      status: 409,
      admin: true,
      run: async (s) =>
        s.client.PATCH('/users/{id}', {
          params: { path: { id: (await s.client.GET('/users/me')).data?.id ?? 0 } },
          body: { is_active: false },
        }),
    },
  ],
  issueToken: [
    success('issueToken', 200),
    { status: 400, run: call('issueToken', (x) => ({ user: { ...x.user, password: 'not the password' } })) },
    throttled('issueToken', (x) => ({ user: { ...x.user, password: 'not the password' } })),
    MFA_PROXIED.issueToken403,
    OAUTH_PROXIED.issueToken401,
  ],
  // RFC 7009 §2.1 lets the token come from the cookie, so the schema allows a form without it.
  revokeToken: [
    success('revokeToken', 200),
    { status: 400, run: call('revokeToken', () => ({ refreshToken: undefined })) },
    OAUTH_PROXIED.revokeToken401,
    OAUTH_PROXIED.revokeToken429,
  ],
  introspectToken: [
    OAUTH_PROXIED.introspectToken200,
    OAUTH_PROXIED.introspectToken401,
    OAUTH_PROXIED.introspectToken429,
  ],
  getJwks: [success('getJwks', 200)],
  getAuthorizationServerMetadata: [success('getAuthorizationServerMetadata', 200)],
  listTodos: [success('listTodos', 200), ...secured('listTodos', 'me')],
  createTodo: [success('createTodo', 201), ...secured('createTodo', 'todos:read')],
  getTodo: [success('getTodo', 200), ...secured('getTodo', 'me'), missing('getTodo')],
  updateTodo: [success('updateTodo', 200), ...secured('updateTodo', 'todos:read'), missing('updateTodo')],
  deleteTodo: [success('deleteTodo', 204), ...secured('deleteTodo', 'todos:read'), missing('deleteTodo')],
  listSessions: MFA_PROXIED.listSessions,
  endSession: MFA_PROXIED.endSession,
  startTotpEnrolment: MFA_PROXIED.startTotpEnrolment,
  confirmTotpEnrolment: MFA_PROXIED.confirmTotpEnrolment,
  disableTotp: MFA_PROXIED.disableTotp,
  regenerateRecoveryCodes: MFA_PROXIED.regenerateRecoveryCodes,
  resetUserMfa: MFA_PROXIED.resetUserMfa,
  requestPasswordReset: [success('requestPasswordReset', 202), throttled('requestPasswordReset', () => ({}))],
  confirmPasswordReset: [
    success('confirmPasswordReset', 204),
    { status: 400, run: call('confirmPasswordReset', () => ({ resetToken: undefined })) },
  ],
  requestEmailVerification: [
    success('requestEmailVerification', 202),
    ...secured('requestEmailVerification', 'todos:read'),
    throttled('requestEmailVerification', () => ({})),
  ],
  confirmEmailVerification: [
    success('confirmEmailVerification', 204),
    { status: 400, run: call('confirmEmailVerification', () => ({ verificationToken: undefined })) },
  ],
  // OAuth (docs/oauth.md): the spec's example client and authorization request exist on no server, hence the 404s and the 400.
  createOauthClient: [success('createOauthClient', 201, true), ...secured('createOauthClient', 'me', true)],
  listOauthClients: [success('listOauthClients', 200, true), ...secured('listOauthClients', 'me', true)],
  getOauthClient: [
    OAUTH_PROXIED.getOauthClient,
    { status: 404, admin: true, run: call('getOauthClient') },
    ...secured('getOauthClient', 'me', true),
  ],
  updateOauthClient: [
    OAUTH_PROXIED.updateOauthClient,
    { status: 404, admin: true, run: call('updateOauthClient') },
    ...secured('updateOauthClient', 'me', true),
  ],
  rotateOauthClientSecret: [
    OAUTH_PROXIED.rotateOauthClientSecret,
    OAUTH_PROXIED.rotateOauthClientSecret409,
    { status: 404, admin: true, run: call('rotateOauthClientSecret') },
    ...secured('rotateOauthClientSecret', 'me', true),
  ],
  deleteOauthClient: [
    OAUTH_PROXIED.deleteOauthClient,
    { status: 404, admin: true, run: call('deleteOauthClient') },
    ...secured('deleteOauthClient', 'me', true),
  ],
  authorize: [OAUTH_PROXIED.authorize, { status: 400, run: call('authorize') }],
  getAuthorization: [
    OAUTH_PROXIED.getAuthorization,
    { status: 404, run: call('getAuthorization') },
    ...secured('getAuthorization', 'todos:read'),
  ],
  decideAuthorization: [
    OAUTH_PROXIED.decideAuthorization,
    { status: 404, run: call('decideAuthorization') },
    ...secured('decideAuthorization', 'todos:read'),
  ],
  listAuthorizedApps: [success('listAuthorizedApps', 200), ...secured('listAuthorizedApps', 'todos:read')],
  revokeAuthorizedApp: [
    OAUTH_PROXIED.revokeAuthorizedApp,
    { status: 404, run: call('revokeAuthorizedApp') },
    ...secured('revokeAuthorizedApp', 'todos:read'),
  ],
  getUserInfo: [success('getUserInfo', 200), ...secured('getUserInfo', 'me')],
  postUserInfo: [success('postUserInfo', 200), ...secured('postUserInfo', 'me')],
  getOpenIdConfiguration: [success('getOpenIdConfiguration', 200)],
  ...PASSKEY_PROXIED,
};

const TOO_LARGE = 'x'.repeat(101 * 1024);
const json = (method: string, body: unknown, token?: string, type = 'application/json'): RequestInit => ({
  method,
  headers: { 'content-type': type, ...(token && { authorization: `Bearer ${token}` }) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const formPost = (fields: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: fields,
});
const tokenOf = (s: Setup) => s.token;

/** The 400/413/415 of operations reading a JSON body, and the 401 for a missing token. */
function jsonBodyErrors(
  method: string,
  path: (s: Setup) => string,
  invalid: unknown,
  admin = false,
): InvalidScenario[] {
  return [
    { status: 400, admin, request: (s) => ({ path: path(s), init: json(method, invalid, tokenOf(s)) }) },
    {
      status: 413,
      admin,
      request: (s) => ({ path: path(s), init: json(method, { title: TOO_LARGE, email: TOO_LARGE }, tokenOf(s)) }),
    },
    { status: 415, admin, request: (s) => ({ path: path(s), init: json(method, '{}', tokenOf(s), 'text/plain') }) },
  ];
}
const noToken = (method: string, path: (s: Setup) => string): InvalidScenario => ({
  status: 401,
  request: (s) => ({ path: path(s), init: { method } }),
});
const badQuery = (path: string, admin = false): InvalidScenario => ({
  status: 400,
  admin,
  request: (s) => ({ path, init: { headers: { authorization: `Bearer ${tokenOf(s)}` } } }),
});
const todo = (s: Setup) => `/todos/${s.context.todoId}`;
const user = (s: Setup) => `/users/${s.context.userId}`;
/** A request the spec refuses for its path or query alone (a bad id, an unknown parameter). */
const badId = (method: string, path: string, admin = false): InvalidScenario => ({
  status: 400,
  admin,
  request: (s) => ({ path, init: { method, headers: { authorization: `Bearer ${tokenOf(s)}` } } }),
});

export const INVALID: { readonly [Id in OperationId]: readonly InvalidScenario[] } = {
  createUser: jsonBodyErrors('POST', () => '/users', { username: 'a', email: 'not an email', password: 'short' }),
  listUsers: [badQuery('/users?limit=0', true), noToken('GET', () => '/users')],
  getCurrentUser: [{ ...badQuery('/users/me?unknown=1'), prismForwards: true }, noToken('GET', () => '/users/me')],
  updateCurrentUser: [
    ...jsonBodyErrors('PATCH', () => '/users/me', { email: 'not an email' }),
    noToken('PATCH', () => '/users/me'),
  ],
  changePassword: [
    ...jsonBodyErrors('PUT', () => '/users/me/password', { current_password: 'x', new_password: 'short' }),
    noToken('PUT', () => '/users/me/password'),
  ],
  endAllSessions: [
    { ...badId('DELETE', '/users/me/sessions?unknown=1'), prismForwards: true },
    noToken('DELETE', () => '/users/me/sessions'),
  ],
  getUser: [badId('GET', '/users/0', true), noToken('GET', user)],
  updateUser: [...jsonBodyErrors('PATCH', user, {}, true), noToken('PATCH', user)],
  issueToken: [
    { status: 400, request: () => ({ path: '/token', init: formPost('grant_type=password&username=alice') }) },
    {
      status: 413,
      request: () => ({ path: '/token', init: formPost(`grant_type=password&username=alice&password=${TOO_LARGE}`) }),
    },
  ],
  revokeToken: [{ status: 413, request: () => ({ path: '/token/revoke', init: formPost(`token=${TOO_LARGE}`) }) }],
  introspectToken: [
    { status: 400, request: () => ({ path: '/token/introspect', init: formPost('token_type_hint=access_token') }) },
    { status: 413, request: () => ({ path: '/token/introspect', init: formPost(`token=${TOO_LARGE}`) }) },
  ],
  getJwks: [
    { status: 400, prismForwards: true, request: () => ({ path: '/.well-known/jwks.json?unknown=1', init: {} }) },
  ],
  getAuthorizationServerMetadata: [
    { status: 400, host: 'not a host', request: () => ({ path: '/.well-known/oauth-authorization-server', init: {} }) },
  ],
  listTodos: [badQuery('/todos?limit=0'), noToken('GET', () => '/todos')],
  createTodo: [...jsonBodyErrors('POST', () => '/todos', { title: '' }), noToken('POST', () => '/todos')],
  getTodo: [badId('GET', '/todos/0'), noToken('GET', todo)],
  updateTodo: [...jsonBodyErrors('PATCH', todo, {}), noToken('PATCH', todo)],
  deleteTodo: [badId('DELETE', '/todos/0'), noToken('DELETE', todo)],
  ...MFA_INVALID,
  requestPasswordReset: jsonBodyErrors('POST', () => '/password-reset', { email: 'not an email' }),
  confirmPasswordReset: jsonBodyErrors('POST', () => '/password-reset/confirm', {
    token: 'short',
    new_password: 'tr0ubadour and a longer tail',
  }),
  requestEmailVerification: [
    { ...badId('POST', '/email-verification?unknown=1'), prismForwards: true },
    noToken('POST', () => '/email-verification'),
  ],
  confirmEmailVerification: jsonBodyErrors('POST', () => '/email-verification/confirm', { token: 'short' }),
  createOauthClient: [
    ...jsonBodyErrors('POST', () => '/oauth/clients', { name: '', type: 'public' }, true),
    noToken('POST', () => '/oauth/clients'),
  ],
  listOauthClients: [badQuery('/oauth/clients?limit=0', true), noToken('GET', () => '/oauth/clients')],
  getOauthClient: [badId('GET', '/oauth/clients/a.b', true), noToken('GET', () => '/oauth/clients/abc')],
  updateOauthClient: [
    ...jsonBodyErrors('PATCH', () => '/oauth/clients/abc', {}, true),
    noToken('PATCH', () => '/oauth/clients/abc'),
  ],
  rotateOauthClientSecret: [
    ...jsonBodyErrors('POST', () => '/oauth/clients/abc/secret', { grace_seconds: 2592001 }, true),
    noToken('POST', () => '/oauth/clients/abc/secret'),
  ],
  deleteOauthClient: [badId('DELETE', '/oauth/clients/a.b', true), noToken('DELETE', () => '/oauth/clients/abc')],
  authorize: [{ status: 400, request: () => ({ path: '/oauth/authorize?response_type=code', init: {} }) }],
  getAuthorization: [
    badId('GET', '/oauth/authorizations/short'),
    noToken('GET', () => '/oauth/authorizations/Zk9x1qYl0bP4cW2eR7tUvA'),
  ],
  decideAuthorization: [
    ...jsonBodyErrors('POST', () => '/oauth/authorizations/Zk9x1qYl0bP4cW2eR7tUvA/consent', { action: 'maybe' }),
    noToken('POST', () => '/oauth/authorizations/Zk9x1qYl0bP4cW2eR7tUvA/consent'),
  ],
  listAuthorizedApps: [
    { ...badQuery('/users/me/authorized-apps?unknown=1'), prismForwards: true },
    noToken('GET', () => '/users/me/authorized-apps'),
  ],
  revokeAuthorizedApp: [
    badId('DELETE', '/users/me/authorized-apps/a.b'),
    noToken('DELETE', () => '/users/me/authorized-apps/abc'),
  ],
  getUserInfo: [{ ...badQuery('/userinfo?unknown=1'), prismForwards: true }, noToken('GET', () => '/userinfo')],
  postUserInfo: [{ ...badId('POST', '/userinfo?unknown=1'), prismForwards: true }, noToken('POST', () => '/userinfo')],
  getOpenIdConfiguration: [
    { status: 400, host: 'not a host', request: () => ({ path: '/.well-known/openid-configuration', init: {} }) },
  ],
  ...PASSKEY_INVALID,
};
