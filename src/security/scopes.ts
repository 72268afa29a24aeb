import type { components } from '../../generated/api';

type Role = components['schemas']['Role'];

/** The scopes of the spec's OAuth2 scheme, and which of them each role may hold. */
export const ALL_SCOPES = ['me', 'todos:read', 'todos:write', 'users:admin', 'openid', 'profile', 'email'] as const;
export type Scope = (typeof ALL_SCOPES)[number];

/** OpenID Connect's scopes: what an ID token and UserInfo may say. Asked for explicitly, never granted by default. */
export const OIDC_SCOPES: readonly Scope[] = ['openid', 'profile', 'email'];

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  user: ['me', 'todos:read', 'todos:write', 'openid', 'profile', 'email'],
  admin: ALL_SCOPES,
};

export function scopesOfRole(role: Role): readonly Scope[] {
  return ROLE_SCOPES[role];
}

export function parseScope(scope: string | undefined): string[] {
  return scope === undefined ? [] : [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}

export type ScopeGrant = { granted: Scope[] } | { refused: string[] };

/** RFC 6749 §3.3: no scope asked = everything the role allows; asking for more than that is refused. */
export function grantScopes(role: Role, requested: string | undefined): ScopeGrant {
  const allowed = scopesOfRole(role);
  const asked = parseScope(requested);
  if (asked.length === 0) return { granted: allowed.filter((s) => !OIDC_SCOPES.includes(s)) };
  const refused = asked.filter((s) => !(allowed as readonly string[]).includes(s));
  if (refused.length > 0) return { refused };
  return { granted: allowed.filter((s) => asked.includes(s)) };
}

/**
 * RFC 6749 §4.4 for a client's own token: within the client's registered scope; none asked = all
 * of it. The OpenID Connect scopes are never granted (asked or not): they describe a user, and
 * there is none.
 */
export function clientScopes(registered: string, requested: string | undefined): ScopeGrant {
  const allowed = ALL_SCOPES.filter((s) => parseScope(registered).includes(s) && !OIDC_SCOPES.includes(s));
  const asked = parseScope(requested);
  const refused = asked.filter((s) => !(allowed as readonly string[]).includes(s));
  if (refused.length > 0) return { refused };
  const granted = asked.length === 0 ? allowed : allowed.filter((s) => asked.includes(s));
  return granted.length > 0 ? { granted } : { refused: parseScope(registered) };
}

/**
 * RFC 6749 §6 for the refresh grant: the scope may narrow the original grant, never widen it
 * (omitted = the original); a role that has since lost a scope silently loses it here too.
 */
export function narrowScopes(role: Role, original: string, requested: string | undefined): ScopeGrant {
  const granted = parseScope(original);
  const asked = requested === undefined ? granted : parseScope(requested);
  const refused = asked.filter((s) => !granted.includes(s));
  if (refused.length > 0) return { refused };
  const allowed: readonly string[] = scopesOfRole(role);
  const kept = ALL_SCOPES.filter((s) => asked.includes(s) && allowed.includes(s));
  return kept.length > 0 ? { granted: kept } : { refused: asked };
}

/**
 * MFA_REQUIRED_FOR_ADMIN: administration needs a login that used a second factor (RFC 8176 `mfa`
 * in the token's `amr`). The refusal is `insufficientAuthentication` in src/http/errors.ts.
 */
export function secondFactorMissing(requiredScopes: readonly string[], amr: readonly string[]): boolean {
  return requiredScopes.includes('users:admin') && !amr.includes('mfa');
}

export function isScope(value: string): value is Scope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}
