import { authorizationNotFound, invalidAuthorizationRequest, loginRequired } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/openapi/operation-types';
import { setSsoCookie, ssoSecretOf } from '../http/sso-cookie';
import { startAuthorization, type AuthorizeOutcome } from '../services/oauth/authorization';
import { decideAuthorization as decide, pendingAuthorization } from '../services/oauth/consent';
import { responseUrl } from '../services/oauth/requests';
import { parseScope } from '../security/scopes';

/** RFC 6749 §4.1.1; every answer but an unknown client or redirect URI is a redirect (docs/oauth.md). */
export const authorize: OperationHandler<'authorize'> = async (input, services) => {
  const outcome = await startAuthorization(services, input.query, ssoSecretOf(input.cookieHeader));
  return {
    status: 302,
    body: undefined,
    headers: { Location: locationOf(outcome, services.config.jwtIssuer, services.config.oidc.authorizationUiUrl) },
  };
};

function locationOf(outcome: AuthorizeOutcome, issuer: string, uiUrl: string): string {
  switch (outcome.outcome) {
    case 'bad_request':
      throw invalidAuthorizationRequest(outcome.detail);
    case 'redirect_error':
      // RFC 9207: `iss` in every answer, so a client talking to several servers knows whose it is.
      return responseUrl(outcome.redirectUri, {
        error: outcome.error,
        error_description: outcome.description,
        state: outcome.state,
        iss: issuer,
      });
    case 'code':
      return responseUrl(outcome.redirectUri, { code: outcome.code, state: outcome.state, iss: issuer });
    case 'sign_in':
      return `${uiUrl}?authorization_id=${encodeURIComponent(outcome.authorizationId)}`;
  }
}

export const getAuthorization: OperationHandler<'getAuthorization'> = async (input, services) => {
  const pending = await pendingAuthorization(services, input.path.authorization_id, authenticated(input));
  if (pending.outcome === 'not_found') throw authorizationNotFound();
  if (pending.outcome === 'login_required') throw loginRequired();
  const { request, client } = pending;
  return {
    status: 200,
    body: {
      authorization_id: input.path.authorization_id,
      client: { client_id: client.client_id, name: client.name },
      scopes: parseScope(request.scope),
      redirect_uri: request.redirect_uri,
      expires_at: request.expires_at,
      consent_required: pending.consentRequired,
      ...(request.login_hint !== null && { login_hint: request.login_hint }),
    },
  };
};

export const decideAuthorization: OperationHandler<'decideAuthorization'> = async (input, services) => {
  const decision = await decide(services, input.path.authorization_id, authenticated(input), input.body.action);
  if (decision.outcome === 'not_found') throw authorizationNotFound();
  if (decision.outcome === 'login_required') throw loginRequired();
  const cookie =
    decision.ssoSecret === undefined ? {} : setSsoCookie(decision.ssoSecret, services.config.refreshTokenTtl);
  return {
    status: 200,
    headers: cookie,
    body: { redirect_url: responseUrl(decision.redirectUri, { ...decision.params, iss: services.config.jwtIssuer }) },
  };
};
