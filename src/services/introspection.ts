import type { OAuthClientRow } from '../db/oauth-schema';
import type { Dependencies } from '../dependencies';
import { liveAccessToken, type LiveAccessToken } from './live-access-tokens';
import { allowsGrant } from './oauth/clients';
import { liveRefreshToken, type LiveRefreshToken } from './refresh-tokens';

export type Introspection =
  | { readonly outcome: 'inactive' }
  | { readonly outcome: 'access_token'; readonly token: LiveAccessToken }
  /** Described only to the client it was issued to, `clientId`. */
  | { readonly outcome: 'refresh_token'; readonly token: LiveRefreshToken; readonly clientId: string };

type Deps = Pick<Dependencies, 'db' | 'tokens' | 'clock' | 'config' | 'logger'>;
type Hint = 'access_token' | 'refresh_token';

/**
 * RFC 7662 §2.2 for `client`, an authenticated confidential client. An access token answers from
 * liveAccessToken, the bearer check's own test, so a token ended a moment ago is inactive here at
 * once too. A refresh token is described only to the client it was issued to: to anyone else it is
 * inactive (first-party tokens, issued to no client, to every client). The hint orders the lookups;
 * it never skips one (§2.1).
 */
export async function introspect(
  deps: Deps,
  token: string,
  hint: Hint | undefined,
  client: OAuthClientRow,
): Promise<Introspection> {
  const order: Hint[] =
    hint === 'refresh_token' ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
  for (const kind of order) {
    const found = kind === 'access_token' ? await accessToken(deps, token) : await refreshToken(deps, token, client);
    if (found) return found;
  }
  return { outcome: 'inactive' };
}

async function accessToken(deps: Deps, token: string): Promise<Introspection | undefined> {
  const live = await liveAccessToken(deps, token);
  return live && { outcome: 'access_token', token: live };
}

async function refreshToken(deps: Deps, token: string, client: OAuthClientRow): Promise<Introspection | undefined> {
  const live = await liveRefreshToken(deps, token);
  // A client that may no longer refresh cannot use the token: it does not stand for it either.
  if (!live || live.row.client_id !== client.client_id || !allowsGrant(client, 'refresh_token')) return undefined;
  return { outcome: 'refresh_token', token: live, clientId: client.client_id };
}
