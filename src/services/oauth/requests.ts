import type { OAuthClientRow } from '../../db/oauth-schema';
import { matchRedirectUri } from '../../security/redirect-uris';
import { CODE_CHALLENGE } from '../../security/oauth-secrets';
import { parseScope } from '../../security/scopes';
import { allowsGrant, redirectUrisOf } from './clients';

/** The query of GET /oauth/authorize, as strings (checked here so that errors can go back to the client). */
export interface AuthorizeQuery {
  readonly response_type?: string;
  readonly client_id: string;
  readonly redirect_uri?: string;
  readonly scope?: string;
  readonly state?: string;
  readonly code_challenge?: string;
  readonly code_challenge_method?: string;
  readonly nonce?: string;
  readonly prompt?: string;
  readonly max_age?: string;
  readonly login_hint?: string;
  readonly response_mode?: string;
}

/** The RFC 6749 §4.1.2.1 / OpenID Connect §3.1.2.6 errors that go back to the redirect URI. */
export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required';

export interface ValidRequest {
  readonly redirectUri: string;
  readonly scopes: string[];
  readonly codeChallenge: string;
  readonly prompts: ReadonlySet<string>;
  readonly maxAge: number | undefined;
}

export type RequestCheck =
  | { outcome: 'valid'; request: ValidRequest }
  | { outcome: 'redirect_error'; redirectUri: string; error: AuthorizeErrorCode; description: string };

const PROMPTS = new Set(['none', 'login', 'consent']);

/** Where errors may go: the redirect URI, once it is known to be the client's (RFC 6749 §4.1.2.1); undefined means 400, never a redirect. */
export function trustedRedirectUri(client: OAuthClientRow, requested: string | undefined): string | undefined {
  const registered = redirectUrisOf(client);
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  // The requested URI (a loopback one with its port) is where the answer goes and what the code is bound to.
  return matchRedirectUri(registered, requested) === undefined ? undefined : requested;
}

/** Every check after the redirect URI, in the order RFC 6749 and RFC 7636 give the errors. */
export function checkRequest(
  client: OAuthClientRow,
  redirectUri: string,
  query: AuthorizeQuery,
  idTokens: boolean,
): RequestCheck {
  const fail = (error: AuthorizeErrorCode, description: string): RequestCheck => ({
    outcome: 'redirect_error',
    redirectUri,
    error,
    description,
  });
  if (!allowsGrant(client, 'authorization_code'))
    return fail('unauthorized_client', 'This client may not use the authorization code grant.');
  if (query.response_type === undefined) return fail('invalid_request', 'Missing parameter: response_type.');
  if (query.response_type !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (query.response_mode !== undefined && query.response_mode !== 'query')
    return fail('invalid_request', 'Only response_mode=query is supported.');
  if (query.code_challenge === undefined)
    return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.');
  if (query.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
  if (!CODE_CHALLENGE.test(query.code_challenge))
    return fail('invalid_request', 'code_challenge must be 43 base64url characters (S256).');
  const prompts = new Set(parseScope(query.prompt));
  if ([...prompts].some((p) => !PROMPTS.has(p)) || (prompts.has('none') && prompts.size > 1))
    return fail('invalid_request', 'prompt must be none, login or consent.');
  if (query.max_age !== undefined && !/^\d{1,9}$/.test(query.max_age))
    return fail('invalid_request', 'max_age must be a number of seconds.');
  const allowed = parseScope(client.scope);
  const asked = query.scope === undefined ? allowed : parseScope(query.scope);
  const refused = asked.filter((s) => !allowed.includes(s) || (s === 'openid' && !idTokens));
  if (refused.length > 0) return fail('invalid_scope', `Scope not allowed: ${refused.join(' ')}.`);
  if (asked.length === 0) return fail('invalid_scope', 'No scope requested.');
  const maxAge = query.max_age === undefined ? undefined : Number(query.max_age);
  return {
    outcome: 'valid',
    request: { redirectUri, scopes: asked, codeChallenge: query.code_challenge, prompts, maxAge },
  };
}

/** RFC 6749 §4.1.2 + RFC 9207: the redirect URI with the response parameters and `iss` added to its query. */
export function responseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}
