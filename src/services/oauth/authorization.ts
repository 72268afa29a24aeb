import type { OAuthAuthorizationRequestRow, OAuthClientRow } from '../../db/oauth-schema';
import type { SessionRow, UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { findOauthClient } from '../../repositories/oauth-clients.repository';
import {
  deleteExpiredAuthorizationRequests,
  findConsent,
  insertAuthorizationCode,
  insertAuthorizationRequest,
} from '../../repositories/oauth-grants.repository';
import { hashSecret, newOpaqueSecret } from '../../security/oauth-secrets';
import { parseScope, scopesOfRole } from '../../security/scopes';
import { signedInSession } from './sign-in';
import {
  checkRequest,
  trustedRedirectUri,
  type AuthorizeErrorCode,
  type AuthorizeQuery,
  type ValidRequest,
} from './requests';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'idTokenKey'>;

export type AuthorizeOutcome =
  | { outcome: 'bad_request'; detail: string }
  | {
      outcome: 'redirect_error';
      redirectUri: string;
      error: AuthorizeErrorCode;
      description: string;
      state: string | undefined;
    }
  | { outcome: 'code'; redirectUri: string; code: string; state: string | undefined }
  | { outcome: 'sign_in'; authorizationId: string };

const REQUEST_TTL_MS = 10 * 60 * 1000;
const CODE_TTL_MS = 60 * 1000;

/**
 * GET /oauth/authorize. An unknown client or redirect URI is never redirected to (an open
 * redirector otherwise); every later error is. With the hosted pages' sign-in cookie and a
 * remembered consent the code is issued at once; otherwise a pending request for the sign-in page.
 */
export async function startAuthorization(
  deps: Deps,
  query: AuthorizeQuery,
  ssoSecret: string | undefined,
): Promise<AuthorizeOutcome> {
  const client = await findOauthClient(deps.db, query.client_id);
  if (!client) return { outcome: 'bad_request', detail: 'Unknown client_id.' };
  const redirectUri = trustedRedirectUri(client, query.redirect_uri);
  if (redirectUri === undefined)
    return { outcome: 'bad_request', detail: 'The redirect_uri is missing or not registered for this client.' };
  const checked = checkRequest(client, redirectUri, query, deps.idTokenKey !== undefined);
  if (checked.outcome === 'redirect_error') return { ...checked, state: query.state };
  const request = checked.request;
  const now = deps.clock.now();
  const loginAfter = request.prompts.has('login')
    ? now.toISOString()
    : request.maxAge === undefined
      ? null
      : new Date(now.getTime() - request.maxAge * 1000).toISOString();
  const signedIn = await signedInSession(deps, ssoSecret);
  const usable =
    signedIn && (loginAfter === null || signedIn.session.created_at >= loginAfter) && !request.prompts.has('login')
      ? signedIn
      : undefined;
  if (
    usable &&
    !request.prompts.has('consent') &&
    (await consentCovers(deps, usable.user.id, client.client_id, request.scopes))
  ) {
    const code = await issueCode(deps, {
      client,
      user: usable.user,
      session: usable.session,
      redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      nonce: query.nonce ?? null,
    });
    return { outcome: 'code', redirectUri, code, state: query.state };
  }
  if (request.prompts.has('none')) {
    const error = usable ? 'consent_required' : 'login_required';
    return {
      outcome: 'redirect_error',
      redirectUri,
      error,
      description: usable ? 'The user has not consented to these scopes.' : 'The user is not signed in.',
      state: query.state,
    };
  }
  return { outcome: 'sign_in', authorizationId: await savePending(deps, client, request, query, loginAfter) };
}

async function savePending(
  deps: Deps,
  client: OAuthClientRow,
  request: ValidRequest,
  query: AuthorizeQuery,
  loginAfter: string | null,
): Promise<string> {
  const now = deps.clock.now();
  // Expired requests are cleared by the requests that would add more: no background job.
  await deleteExpiredAuthorizationRequests(deps.db, now.toISOString());
  const authorizationId = newOpaqueSecret();
  await insertAuthorizationRequest(deps.db, {
    id_hash: hashSecret(authorizationId),
    client_id: client.client_id,
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
    state: query.state ?? null,
    code_challenge: request.codeChallenge,
    nonce: query.nonce ?? null,
    prompt: [...request.prompts].join(' ') || null,
    login_after: loginAfter,
    login_hint: query.login_hint ?? null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + REQUEST_TTL_MS).toISOString(),
  });
  return authorizationId;
}

/** Whether the user already consented to every one of these scopes for this client. */
export async function consentCovers(
  deps: Pick<Dependencies, 'db'>,
  userId: number,
  clientId: string,
  scopes: readonly string[],
): Promise<boolean> {
  const consent = await findConsent(deps.db, userId, clientId);
  const granted = parseScope(consent?.scope);
  return consent !== undefined && scopes.every((s) => granted.includes(s));
}

export interface CodeGrant {
  readonly client: OAuthClientRow;
  readonly user: UserRow;
  /** The sign-in the code comes from: its time and methods go into the ID token. */
  readonly session: SessionRow;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly codeChallenge: string;
  readonly nonce: string | null;
}

/** A code (≤ 60 s, used once; only its hash is stored) for what the user may hold of the scopes asked. */
export async function issueCode(deps: Pick<Dependencies, 'db' | 'clock'>, grant: CodeGrant): Promise<string> {
  const code = newOpaqueSecret();
  const role: readonly string[] = scopesOfRole(grant.user.role);
  await insertAuthorizationCode(deps.db, {
    code_hash: hashSecret(code),
    client_id: grant.client.client_id,
    user_id: grant.user.id,
    redirect_uri: grant.redirectUri,
    scope: grant.scopes.filter((s) => role.includes(s)).join(' '),
    code_challenge: grant.codeChallenge,
    nonce: grant.nonce,
    login_session_id: grant.session.id,
    auth_time: grant.session.created_at,
    amr: grant.session.amr,
    expires_at: new Date(deps.clock.now().getTime() + CODE_TTL_MS).toISOString(),
  });
  return code;
}

export type PendingRequest = OAuthAuthorizationRequestRow;
