import type { Dependencies } from '../../dependencies';
import { invalidAuthorizationCode, unauthorizedClient } from '../../http/errors';
import { signIdToken } from '../../security/id-tokens';
import { grantTypesOf } from '../../services/oauth/clients';
import { exchangeCode, type CodeExchange } from '../../services/oauth/codes';
import { loginContext } from '../../services/sessions';
import { requiredClient } from './client-authentication';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { type Grant, type GrantRequest, type TokenInput, type TokenResult } from './grant';
import { tokenResponse } from './token-response';

export type AuthorizationCodeGrantRequest = GrantRequest<'authorization_code'>;

/** RFC 6749 §4.1.3 with PKCE (RFC 7636) and OpenID Connect's ID token (docs/oauth.md). */
export const authorizationCodeGrant: Grant<'authorization_code'> = {
  // The sign-in itself happened on the hosted pages (counted there, by the password grant).
  metric: 'none',
  async handle(body: AuthorizationCodeGrantRequest, input: TokenInput, services: Dependencies): Promise<TokenResult> {
    const client = await requiredClient(body, input, services);
    const grants = grantTypesOf(client);
    if (!grants.includes('authorization_code')) throw unauthorizedClient('authorization_code');
    const context = loginContext(input, []);
    const result = issued(
      await exchangeCode(
        services,
        client,
        { code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier },
        context,
      ),
    );
    const { config, clock, idTokenKey } = services;
    const idToken =
      result.scopes.includes('openid') && idTokenKey
        ? await signIdToken(
            idTokenKey,
            { issuer: config.jwtIssuer, ttlSeconds: services.tokens.ttlSeconds, clock },
            result.user,
            result.login,
          )
        : undefined;
    const session = { sid: result.sessionId, amr: result.login.amr, clientId: client.client_id };
    return tokenResponse(services, result.user, result.scopes, result.refreshToken, session, {
      idToken,
      refreshGrant: grants.includes('refresh_token'),
    });
  },
};

function issued(result: CodeExchange): Extract<CodeExchange, { outcome: 'issued' }> {
  switch (result.outcome) {
    case 'issued':
      return result;
    case 'invalid':
    case 'reused':
      throw invalidAuthorizationCode();
    default:
      return unhandledOutcome(result);
  }
}
