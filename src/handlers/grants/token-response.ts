import type { Dependencies } from '../../dependencies';
import type { UserRow } from '../../db/schema';
import type { TokenSession } from '../../security/access-tokens';
import { setRefreshCookie } from '../../http/refresh-cookie';
import type { TokenResult } from './grant';

/** RFC 6749 §5.1: a token endpoint's answer is never stored by a cache. */
export const TOKEN_ANSWER_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** What a registered client's answer adds or leaves out (the authorization code grant, docs/oauth.md). */
export interface ClientAnswer {
  readonly idToken?: string | undefined;
  /** False for a client not registered for the refresh_token grant: no refresh token in its answer. */
  readonly refreshGrant?: boolean;
}

/**
 * RFC 6749 §5.1: the answer of every grant that issues tokens. A registered client (the session
 * names it) always gets its refresh token in the body: the refresh cookie belongs to the first-party app.
 */
export async function tokenResponse(
  services: Dependencies,
  user: UserRow,
  scopes: readonly string[],
  refreshToken: string,
  session: TokenSession,
  client?: ClientAnswer,
): Promise<TokenResult> {
  const { config, tokens } = services;
  const cookie = config.refreshCookie && session.clientId === undefined;
  const inBody = !cookie && (client?.refreshGrant ?? true);
  return {
    status: 200,
    headers: { ...TOKEN_ANSWER_HEADERS, ...(cookie && setRefreshCookie(config, refreshToken)) },
    body: {
      access_token: await tokens.issue(user, scopes, session),
      token_type: 'bearer',
      expires_in: tokens.ttlSeconds,
      // In cookie mode the refresh token stays out of reach of page scripts: cookie only.
      ...(inBody && { refresh_token: refreshToken }),
      scope: scopes.join(' '),
      ...(client?.idToken !== undefined && { id_token: client.idToken }),
    },
  };
}
