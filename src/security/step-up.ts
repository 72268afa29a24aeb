/**
 * MFA_REQUIRED_FOR_ADMIN: administration needs a login that used a second factor (RFC 8176 `mfa`
 * in the token's `amr`). The refusal is `insufficientAuthentication` in src/http/errors.ts.
 */
export function secondFactorMissing(requiredScopes: readonly string[], amr: readonly string[]): boolean {
  return requiredScopes.includes('users:admin') && !amr.includes('mfa');
}
