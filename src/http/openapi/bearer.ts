import type { Context } from 'openapi-backend';
import type { Kysely } from 'kysely';
import { insufficientAuthentication, insufficientScope, invalidToken, missingToken } from '../errors';
import type { Database, UserRow } from '../../db/schema';
import { findUserWithSession } from '../../repositories/sessions.repository';
import type { AccessTokens } from '../../security/access-tokens';
import { parseScope, scopesOfRole, secondFactorMissing } from '../../security/scopes';

/** Who is calling, as established by the security handler. */
export interface Principal {
  readonly user: UserRow;
  readonly scopes: readonly string[];
  /** The token's session (`sid`), and how its login authenticated (`amr`). */
  readonly sessionId: string | undefined;
  readonly amr: readonly string[];
}

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

export function createBearerSecurityHandler(deps: { db: Kysely<Database>; tokens: AccessTokens; config: { mfa: { requiredForAdmin: boolean } } }) {
  return async function requireAuthentication(context: Context): Promise<Principal> {
    const token = bearerToken(context.request.headers.authorization);
    if (token === undefined) throw missingToken();
    const claims = await deps.tokens.verify(token);
    if (!claims) throw invalidToken();
    // The user row, with the token's session, is checked on every request in one statement:
    // deactivation, "log out everywhere" and ending this one session act at once.
    const user = await findUserWithSession(deps.db, Number(claims.sub), claims.sid ?? '');
    if (!user || user.is_active !== 1 || user.token_version !== claims.ver) throw invalidToken();
    if (claims.sid !== undefined && user.session_live !== 1) throw invalidToken();
    // A demoted admin's tokens lose the scopes the new role does not allow, on their next use.
    const allowed: readonly string[] = scopesOfRole(user.role);
    const scopes = parseScope(claims.scope).filter((s) => allowed.includes(s));
    const required = requiredScopes(context);
    if (!required.every((s) => scopes.includes(s))) throw insufficientScope(required);
    const amr = claims.amr ?? [];
    if (deps.config.mfa.requiredForAdmin && secondFactorMissing(required, amr)) throw insufficientAuthentication();
    return { user, scopes, sessionId: claims.sid, amr };
  };
}
