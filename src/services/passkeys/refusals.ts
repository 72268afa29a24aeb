/** Why @simplewebauthn/server refused a response, in the terms the API answers with. */
export type CeremonyRefusal =
  'wrong_origin' | 'wrong_rp_id' | 'wrong_challenge' | 'user_verification_missing' | 'counter_regression' | 'invalid';

/**
 * The library throws plain Errors; their messages are the only signal of which check failed
 * (v13's wording, pinned by tests/api/passkeys.test.ts). Anything unrecognised is `invalid`.
 */
export function refusalOf(error: unknown): CeremonyRefusal {
  const message = error instanceof Error ? error.message : '';
  if (/response origin/.test(message)) return 'wrong_origin';
  if (/RP ID/.test(message)) return 'wrong_rp_id';
  if (/response challenge/.test(message)) return 'wrong_challenge';
  if (/User verification/.test(message)) return 'user_verification_missing';
  if (/counter value/.test(message)) return 'counter_regression';
  return 'invalid';
}
