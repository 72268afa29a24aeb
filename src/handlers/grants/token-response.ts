import type { Dependencies } from '../../dependencies';
import type { UserRow } from '../../db/schema';
import type { TokenSession } from '../../security/access-tokens';
import { setRefreshCookie } from '../../http/refresh-cookie';
import type { TokenResult } from './grant';

/** RFC 6749 §5.1: the answer of every grant that issues tokens. */
export async function tokenResponse(services: Dependencies, user: UserRow, scopes: readonly string[], refreshToken: string, session: TokenSession): Promise<TokenResult> {
  const { config, tokens } = services;
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...(config.refreshCookie && setRefreshCookie(config, refreshToken)) },
    body: {
      access_token: await tokens.issue(user, scopes, session),
      token_type: 'bearer',
      expires_in: tokens.ttlSeconds,
      // In cookie mode the refresh token stays out of reach of page scripts: cookie only.
      ...(!config.refreshCookie && { refresh_token: refreshToken }),
      scope: scopes.join(' '),
    },
  };
}
