import { epochSeconds, type Clock } from '../clock';
import type { AccessTokenClaims, AccessTokens } from './access-tokens';

export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Remembers the claims of tokens that verified, until their `exp`, so a client calling us many
 * times with one access token pays for the signature check once. Safe because it only skips work
 * whose answer cannot change before `exp`: the signature, issuer and audience of that exact
 * string. What can change (deactivation, "log out everywhere", a role change) lives in the user
 * row, which the security handler still reads on every request. Failures are never cached, so a
 * flood of forged tokens cannot push real ones out. Bounded LRU: a Map keeps insertion order,
 * and a hit is moved to the end.
 */
export function withVerifiedTokenCache(
  tokens: AccessTokens,
  clock: Clock,
  maxEntries = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
): AccessTokens {
  const cache = new Map<string, Readonly<AccessTokenClaims>>();

  const remember = (token: string, claims: AccessTokenClaims): void => {
    cache.set(token, Object.freeze(claims));
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  return {
    ...tokens,
    async verify(token) {
      const cached = cache.get(token);
      if (cached !== undefined) {
        cache.delete(token);
        // Same rule as the verifier: a token is expired from the second its `exp` names.
        if (epochSeconds(clock) < cached.exp) {
          cache.set(token, cached);
          return cached;
        }
        return undefined;
      }
      const claims = await tokens.verify(token);
      if (claims !== undefined) remember(token, claims);
      return claims;
    },
  };
}
