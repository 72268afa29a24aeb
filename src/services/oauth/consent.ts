import { audit } from '../../audit';
import type { OAuthAuthorizationRequestRow, OAuthClientRow } from '../../db/oauth-schema';
import type { SessionRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { findOauthClient } from '../../repositories/oauth-clients.repository';
import {
  findPendingAuthorizationRequest,
  markAuthorizationRequestUsed,
  upsertConsent,
} from '../../repositories/oauth-grants.repository';
import { findSession, setSessionSso } from '../../repositories/oauth-sessions.repository';
import { hashSecret, newOpaqueSecret } from '../../security/oauth-secrets';
import { parseScope } from '../../security/scopes';
import { consentCovers, issueCode } from './authorization';
import type { Actor } from './sign-in';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;

export type PendingAuthorization =
  | {
      outcome: 'found';
      request: OAuthAuthorizationRequestRow;
      client: OAuthClientRow;
      session: SessionRow;
      consentRequired: boolean;
    }
  | { outcome: 'not_found' }
  | { outcome: 'login_required' };

/**
 * The pending request, if the principal may act on it: a sign-in on the hosted pages (a token
 * issued to an OAuth client never approves anything) recent enough for its prompt=login or max_age.
 */
export async function pendingAuthorization(
  deps: Deps,
  authorizationId: string,
  principal: Actor,
): Promise<PendingAuthorization> {
  const request = await findPendingAuthorizationRequest(
    deps.db,
    hashSecret(authorizationId),
    deps.clock.now().toISOString(),
  );
  const client = request && (await findOauthClient(deps.db, request.client_id));
  if (!request || !client) return { outcome: 'not_found' };
  const session = principal.sessionId === undefined ? undefined : await findSession(deps.db, principal.sessionId);
  if (
    principal.clientId !== undefined ||
    !session ||
    (request.login_after !== null && session.created_at < request.login_after)
  )
    return { outcome: 'login_required' };
  const remembered = await consentCovers(deps, principal.user.id, client.client_id, parseScope(request.scope));
  return {
    outcome: 'found',
    request,
    client,
    session,
    consentRequired: !remembered || parseScope(request.prompt ?? undefined).includes('consent'),
  };
}

export type Decision =
  | {
      outcome: 'decided';
      redirectUri: string;
      params: Record<string, string | undefined>;
      ssoSecret: string | undefined;
    }
  | { outcome: 'not_found' }
  | { outcome: 'login_required' };

/** Approve or deny: the request is used once (a conditional UPDATE decides a race), then the code or access_denied. */
export async function decideAuthorization(
  deps: Deps,
  authorizationId: string,
  principal: Actor,
  action: 'approve' | 'deny',
): Promise<Decision> {
  const pending = await pendingAuthorization(deps, authorizationId, principal);
  if (pending.outcome !== 'found') return pending;
  const { request, client, session } = pending;
  const now = deps.clock.now().toISOString();
  if (!(await markAuthorizationRequestUsed(deps.db, request.id, now))) return { outcome: 'not_found' };
  const ssoSecret = principal.viaCookie ? undefined : await rememberSignIn(deps, session.id);
  const state = request.state ?? undefined;
  if (action === 'deny') {
    audit(deps.logger, 'oauth_consent_denied', { user_id: principal.user.id, client_id: client.client_id });
    return {
      outcome: 'decided',
      redirectUri: request.redirect_uri,
      params: { error: 'access_denied', error_description: 'The user denied the request.', state },
      ssoSecret,
    };
  }
  await upsertConsent(deps.db, {
    user_id: principal.user.id,
    client_id: client.client_id,
    scope: request.scope,
    granted_at: now,
  });
  audit(deps.logger, 'oauth_consent_granted', { user_id: principal.user.id, client_id: client.client_id });
  const code = await issueCode(deps, {
    client,
    user: principal.user,
    session,
    redirectUri: request.redirect_uri,
    scopes: parseScope(request.scope),
    codeChallenge: request.code_challenge,
    nonce: request.nonce,
  });
  return { outcome: 'decided', redirectUri: request.redirect_uri, params: { code, state }, ssoSecret };
}

/** A sign-in on the hosted pages becomes the browser's single sign-on: a new cookie secret names its session. */
async function rememberSignIn(deps: Deps, sessionId: string): Promise<string> {
  const secret = newOpaqueSecret();
  await setSessionSso(deps.db, sessionId, hashSecret(secret));
  return secret;
}
