import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** 256 random bits (RFC 9700 §4.14 asks for refresh tokens nobody can guess), URL-safe. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the token: a stolen copy of the table refreshes nothing. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

const SEAL_INFO = 'tollgate refresh-token successor';
const IV_BYTES = 12;
const TAG_BYTES = 16;

// A different derivation than the hash above, so the stored hash does not yield this key.
function sealingKey(parent: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(parent, 'utf8'), Buffer.alloc(0), SEAL_INFO, 32));
}

/**
 * Keeps a rotated token's successor so that, within the grace window, a second tab presenting the
 * same parent gets the same successor back. Only the parent token itself opens it, and the
 * database never holds the parent: the successor is as safe at rest as a hash.
 */
export function sealSuccessor(parent: string, successor: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(parent), iv);
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

export function openSuccessor(parent: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(parent), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
