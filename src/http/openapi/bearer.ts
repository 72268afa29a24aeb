import type { Context } from 'openapi-backend';
import type { Kysely } from 'kysely';
import { insufficientAuthentication, insufficientScope, invalidToken, missingToken, userRequired } from '../errors';
import type { OAuthClientRow } from '../../db/oauth-schema';
import type { Database, UserRow } from '../../db/schema';
import type { AccessTokens } from '../../security/access-tokens';
import { secondFactorMissing } from '../../security/scopes';
import { liveAccessToken } from '../../services/live-access-tokens';
import type { Clock } from '../../clock';
import { signedInSession } from '../../services/oauth/sign-in';
import { ssoSecretOf } from '../sso-cookie';

/** A user calling, themselves or through an app: established by the security handler. */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly user: UserRow;
  readonly scopes: readonly string[];
  /** The token's session (`sid`), and how its login authenticated (`amr`). */
  readonly sessionId: string | undefined;
  readonly amr: readonly string[];
  /** The registered OAuth client the token was issued to (RFC 9068 `client_id`); undefined for first-party logins. */
  readonly clientId?: string;
  /** Established by the hosted pages' sign-in cookie rather than a bearer token (two operations only). */
  readonly viaCookie?: boolean;
}

/** A client calling for itself with a client credentials token: admitted only where `users:admin` is required. */
export interface ClientPrincipal {
  readonly kind: 'client';
  readonly client: OAuthClientRow;
  readonly scopes: readonly string[];
}

export type Principal = UserPrincipal | ClientPrincipal;

export const SECURITY_SCHEME = 'OAuth2';
// RFC 6750 §2.1: the scheme name is case-insensitive; the token is a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function requiredScopes(context: Context): string[] {
  const requirement = (context.operation.security ?? []).find((r) => SECURITY_SCHEME in r);
  return requirement?.[SECURITY_SCHEME] ?? [];
}

/** A header Node gives as a list when it was sent more than once: the first value counts. */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = firstHeaderValue(header);
  if (!value || !/^bearer\b/i.test(value)) return undefined;
  const match = BEARER.exec(value);
  if (!match?.[1]) throw invalidToken();
  return match[1];
}

export function createBearerSecurityHandler(deps: {
  db: Kysely<Database>;
  tokens: AccessTokens;
  clock: Clock;
  config: { mfa: { requiredForAdmin: boolean } };
}) {
  return async function requireAuthentication(context: Context): Promise<Principal> {
    const token = bearerToken(context.request.headers.authorization);
    if (token === undefined) {
      const fromCookie = await cookiePrincipal(deps, context);
      if (fromCookie) return fromCookie;
      throw missingToken();
    }
    const live = await liveAccessToken(deps, token);
    if (!live) throw invalidToken();
    const required = requiredScopes(context);
    // Operations about "me", todos, sessions act for a user: a client's own token has none to act for.
    if (live.kind === 'client' && !required.includes(ADMIN_SCOPE)) throw userRequired();
    if (!required.every((s) => live.scopes.includes(s))) throw insufficientScope(required);
    if (live.kind === 'client') return { kind: 'client', client: live.client, scopes: live.scopes };
    // A client authenticated by its secret is no person: the second-factor rule is for logins.
    const amr = live.claims.amr ?? [];
    if (deps.config.mfa.requiredForAdmin && secondFactorMissing(required, amr)) throw insufficientAuthentication();
    const { claims, user, scopes } = live;
    return { kind: 'user', user, scopes, sessionId: claims.sid, amr, clientId: claims.client_id };
  };
}

const ADMIN_SCOPE = 'users:admin';

/**
 * The hosted pages' sign-in cookie stands for a bearer on the two operations of the sign-in and
 * consent page only (docs/oauth.md), with scope `me`; never elsewhere, so it cannot reach the API.
 */
async function cookiePrincipal(
  deps: { db: Kysely<Database>; clock: Clock },
  context: Context,
): Promise<UserPrincipal | undefined> {
  if (!SSO_OPERATIONS.has(context.operation.operationId ?? '')) return undefined;
  const found = await signedInSession(deps, ssoSecretOf(firstHeaderValue(context.request.headers.cookie)));
  if (!found) return undefined;
  return {
    kind: 'user',
    user: found.user,
    scopes: ['me'],
    sessionId: found.session.id,
    amr: found.session.amr.split(' '),
    viaCookie: true,
  };
}

const SSO_OPERATIONS: ReadonlySet<string> = new Set(['getAuthorization', 'decideAuthorization']);
