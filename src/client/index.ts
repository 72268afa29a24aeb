import createFetchClient, { type Client, type FetchResponse, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/api';
import { createSession, type Session } from './session';
import { signInStep, type SignInResult } from './sign-in';
import { passkeyGrantForm, type CreatePasskey, type GetPasskey } from './passkeys';

type TokenResponse = components['schemas']['TokenResponse'];
type TokenForm = Record<string, string>;

export type { components, paths, SignInResult, CreatePasskey, GetPasskey };
export { PASSKEY_GRANT } from './passkeys';

export interface ClientOptions {
  /** Where tollgate answers, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** Defaults to the global fetch (browsers, Node 18+). */
  fetch?: typeof globalThis.fetch;
}

/** The typed openapi-fetch client for every operation, plus the session helpers. */
export interface TollgateClient extends Client<paths> {
  /**
   * The password grant; on success the tokens are held and sent from then on. Errors are RFC 6749
   * JSON, or problem details for what the server refuses before routing (408, 431): any media type.
   */
  login(
    username: string,
    password: string,
    scope?: string,
  ): Promise<FetchResponse<paths['/token']['post'], object, `${string}/${string}`>>;
  /**
   * The password grant as a typed result: `signed_in` (tokens held from then on), `mfa_required`
   * (complete it with `completeWithOtp(code)` or `completeWithRecoveryCode(code)`), or `refused`.
   */
  signIn(username: string, password: string, scope?: string): Promise<SignInResult>;
  /**
   * Registers a passkey for the signed-in user: asks for options (with the current password), has
   * `create` run the browser's ceremony, and sends the result. Answers the verify call's result.
   */
  registerPasskey(currentPassword: string, create: CreatePasskey, name?: string): Promise<PasskeyRegistration>;
  /** Signs in with a passkey (`get` runs the browser's ceremony): `signed_in` with tokens held from then on, or `refused`. */
  signInWithPasskey(get: GetPasskey, scope?: string): Promise<SignInResult>;
  /** Revokes the held refresh token (this device's session) and forgets both tokens. */
  logout(): Promise<void>;
  /** Whether an access token is held (it may have expired; the next call refreshes it if it can). */
  isLoggedIn(): boolean;
}

/** The new passkey, or the problem the options or the verify call answered (with that call's response). */
export type PasskeyRegistration = {
  readonly data?: components['schemas']['Passkey'];
  readonly error?: components['schemas']['Problem'];
  readonly response: Response;
};

/** The OAuth endpoints: a client authenticates there itself; the held bearer is never sent, nor refreshed on their 401. */
const TOKEN_PATHS = new Set(['/token', '/token/revoke', '/token/introspect']);

const formBody = {
  bodySerializer: (body: unknown) => new URLSearchParams(body as TokenForm).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
};

/**
 * A tollgate client for browsers and Node alike (fetch only). It sends `Authorization: Bearer` with the
 * held access token and, when a protected call answers 401 while a refresh token is held, refreshes
 * once (shared by concurrent callers, rotation respected) and retries that call once.
 */
export function createClient(options: ClientOptions): TollgateClient {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const api = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  // A separate client without the middleware: a refresh must never trigger another refresh.
  const tokenApi = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const session = createSession();

  const refresh = async (refreshToken: string): Promise<TokenResponse | undefined> => {
    const { data } = await tokenApi.POST('/token', {
      body: { grant_type: 'refresh_token', refresh_token: refreshToken },
      ...formBody,
    });
    return data;
  };
  api.use(bearerWithRefresh(session, refresh, fetchImpl));
  const postTokenForm = async (form: Record<string, string>) => {
    const response = await fetchImpl(`${options.baseUrl}/token`, {
      method: 'POST',
      headers: formBody.headers,
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };

  return Object.assign(api, {
    async login(username: string, password: string, scope?: string) {
      const result = await tokenApi.POST('/token', {
        body: { grant_type: 'password', username, password, ...(scope !== undefined && { scope }) },
        ...formBody,
      });
      if (result.data) session.store(result.data);
      return result;
    },
    signIn: (username: string, password: string, scope?: string) =>
      signInStep(postTokenForm, (tokens) => session.store(tokens), {
        grant_type: 'password',
        username,
        password,
        ...(scope !== undefined && { scope }),
      } satisfies components['schemas']['PasswordGrantRequest']),
    ...passkeyMethods(api, tokenApi, postTokenForm, (tokens) => session.store(tokens)),
    async logout() {
      const token = session.refreshToken;
      session.clear();
      if (token !== undefined)
        await tokenApi.POST('/token/revoke', { body: { token, token_type_hint: 'refresh_token' }, ...formBody });
    },
    isLoggedIn: () => session.accessToken !== undefined,
  });
}

type FetchApi = ReturnType<typeof createFetchClient<paths>>;

/** The passkey ceremonies around the browser's navigator.credentials calls (docs/passkeys.md). */
function passkeyMethods(
  api: FetchApi,
  tokenApi: FetchApi,
  postTokenForm: Parameters<typeof signInStep>[0],
  store: Parameters<typeof signInStep>[1],
) {
  return {
    async registerPasskey(currentPassword: string, create: CreatePasskey, name?: string) {
      const started = await api.POST('/users/me/passkeys/registration/options', {
        body: { current_password: currentPassword },
      });
      if (!started.data) return { error: started.error, response: started.response };
      const credential = await create(started.data.options);
      const { data, error, response } = await api.POST('/users/me/passkeys/registration/verify', {
        body: { challenge_id: started.data.challenge_id, credential, ...(name !== undefined && { name }) },
      });
      return { data, error, response };
    },
    async signInWithPasskey(get: GetPasskey, scope?: string) {
      const { data, response } = await tokenApi.POST('/passkeys/authentication/options');
      if (!data) return { outcome: 'refused', status: response.status, error: undefined } as const;
      return signInStep(postTokenForm, store, {
        ...passkeyGrantForm(data.challenge_id, await get(data.options), scope),
      });
    },
  };
}

function bearerWithRefresh(
  session: Session,
  refresh: (token: string) => Promise<TokenResponse | undefined>,
  fetchImpl: typeof globalThis.fetch,
): Middleware {
  // Keeps a copy of each request so it can be sent again after a refresh (a sent body is consumed).
  const pending = new Map<string, { copy: Request; token: string | undefined }>();
  return {
    onRequest({ request, schemaPath, id }) {
      const token = session.accessToken;
      if (TOKEN_PATHS.has(schemaPath) || request.headers.has('authorization')) return undefined;
      if (token !== undefined) request.headers.set('authorization', `Bearer ${token}`);
      pending.set(id, { copy: request.clone(), token });
      return request;
    },
    async onResponse({ response, id }) {
      const sent = pending.get(id);
      pending.delete(id);
      if (!sent || response.status !== 401 || sent.token === undefined) return response;
      // Another caller may have refreshed while this request was in flight: use its token.
      const renewed = session.accessToken !== sent.token || (await session.refreshOnce(refresh));
      if (!renewed || session.accessToken === undefined) return response;
      sent.copy.headers.set('authorization', `Bearer ${session.accessToken}`);
      return fetchImpl(sent.copy);
    },
    onError({ id }) {
      pending.delete(id);
    },
  };
}
