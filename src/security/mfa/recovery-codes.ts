import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 16 base32 characters: 80 random bits each. */
const CODE_CHARACTERS = 16;

/** Shown to the user once, in groups of four: `mfzw-k4dj-nbsw-y3dp`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    // 5 bits per character from one random byte each: 256 is a multiple of 32, so no bias.
    const characters = [...randomBytes(CODE_CHARACTERS)].map((byte) => BASE32[byte % 32]).join('');
    return (characters.match(/.{4}/g) ?? []).join('-');
  });
}

/** Case and hyphens do not matter when a code is typed back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/-/g, '');
}

/**
 * Stored instead of the code. A fast hash is enough here, unlike for passwords: a code is 80
 * random bits, not something a person chose, so there is no dictionary to try and 2^80 guesses
 * against a stolen table are out of reach; a slow hash would only slow every login with a code.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('base64url');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z2-7]{16}$/.test(normalizeRecoveryCode(code));
}
