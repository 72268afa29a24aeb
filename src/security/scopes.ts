import type { components } from '../../generated/api';

type Role = components['schemas']['Role'];

/** The scopes of the spec's OAuth2 scheme, and which of them each role may hold. */
export const ALL_SCOPES = ['me', 'todos:read', 'todos:write', 'users:admin'] as const;
export type Scope = (typeof ALL_SCOPES)[number];

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  user: ['me', 'todos:read', 'todos:write'],
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
  if (asked.length === 0) return { granted: [...allowed] };
  const refused = asked.filter((s) => !(allowed as readonly string[]).includes(s));
  if (refused.length > 0) return { refused };
  return { granted: allowed.filter((s) => asked.includes(s)) };
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
