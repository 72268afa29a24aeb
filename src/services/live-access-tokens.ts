import type { Kysely } from 'kysely';
import type { OAuthClientRow } from '../db/oauth-schema';
import type { Database } from '../db/schema';
import { findOauthClient } from '../repositories/oauth-clients.repository';
import { findUserWithSession, type UserWithSession } from '../repositories/sessions.repository';
import type { AccessTokens, ClientAccessTokenClaims, UserAccessTokenClaims } from '../security/access-tokens';
import { parseScope, scopesOfRole } from '../security/scopes';
import { allowsGrant } from './oauth/clients';

/** An access token that verifies and still stands, with the scopes it may use today. */
export type LiveAccessToken =
  | {
      readonly kind: 'user';
      readonly claims: UserAccessTokenClaims;
      readonly user: UserWithSession;
      readonly scopes: readonly string[];
    }
  | {
      readonly kind: 'client';
      readonly claims: ClientAccessTokenClaims;
      readonly client: OAuthClientRow;
      readonly scopes: readonly string[];
    };

/**
 * The one answer to "does this access token stand right now?", for the bearer check and for
 * introspection alike, so a token ended a moment ago fails both at once. A user token costs one
 * statement (the user row with its session); a client token one read of the client's row.
 */
export async function liveAccessToken(
  deps: { db: Kysely<Database>; tokens: AccessTokens },
  token: string,
): Promise<LiveAccessToken | undefined> {
  const claims = await deps.tokens.verify(token);
  if (!claims) return undefined;
  if (claims.ver === undefined) return liveClientToken(deps.db, claims);
  // Deactivation, "log out everywhere" and ending this one session act at once.
  const user = await findUserWithSession(deps.db, Number(claims.sub), claims.sid ?? '');
  if (!user || user.is_active !== 1 || user.token_version !== claims.ver) return undefined;
  if (claims.sid !== undefined && user.session_live !== 1) return undefined;
  // A demoted admin's tokens lose the scopes the new role does not allow, on their next use.
  const allowed: readonly string[] = scopesOfRole(user.role);
  return { kind: 'user', claims, user, scopes: parseScope(claims.scope).filter((s) => allowed.includes(s)) };
}

/** A deleted client, one no longer allowed the grant, or a rotation without grace ends its tokens at once; narrowed scopes apply on the next use. */
async function liveClientToken(
  db: Kysely<Database>,
  claims: ClientAccessTokenClaims,
): Promise<LiveAccessToken | undefined> {
  const client = await findOauthClient(db, claims.client_id);
  if (!client || client.type !== 'confidential' || !allowsGrant(client, 'client_credentials')) return undefined;
  // A rotation without grace (a leaked secret) ends what the old secret minted.
  if (client.token_generation !== claims.gen) return undefined;
  const allowed = parseScope(client.scope);
  return { kind: 'client', claims, client, scopes: parseScope(claims.scope).filter((s) => allowed.includes(s)) };
}
