import { createHmac } from 'node:crypto';

/** bcrypt reads at most 72 bytes of its input and silently ignores the rest. */
export const BCRYPT_MAX_BYTES = 72;

// A fixed, public key: it only separates our pre-hash from a plain SHA-256 of the password that
// another site might have leaked ("hash shucking"); the secret part is still bcrypt's work.
const PREHASH_KEY = 'tollgate-password-prehash-v1';

/**
 * NFKC (NIST SP 800-63B §5.1.1.2 allows NFKC or NFKD): the same text typed on another keyboard or
 * input method (NFD accents from macOS, full-width digits from an IME, ligatures) is the same
 * password. NFC would keep those compatibility forms apart and lock such users out.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * What bcrypt is given for a password that is already normalised: the password itself up to 72
 * UTF-8 bytes (so every existing hash keeps working), otherwise a 44-character base64 HMAC-SHA-256
 * of it, so that no character of a long password is ignored.
 */
export function bcryptInputOf(normalized: string): string {
  if (Buffer.byteLength(normalized, 'utf8') <= BCRYPT_MAX_BYTES) return normalized;
  return createHmac('sha256', PREHASH_KEY).update(normalized, 'utf8').digest('base64');
}

/**
 * The inputs a stored hash may have been made from, best first: the normalised form (every hash
 * made now), then the password exactly as typed (hashes made before normalisation, which were
 * limited to 72 bytes). A match on the second one means the hash is due for a rehash.
 */
export function bcryptCandidatesOf(password: string): string[] {
  const normalized = bcryptInputOf(normalizePassword(password));
  const asTyped = password !== normalized && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
  return asTyped ? [normalized, password] : [normalized];
}
