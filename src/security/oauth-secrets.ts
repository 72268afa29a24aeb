import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets, authorization codes, authorization request ids and the sign-in cookie are 256
 * random bits: too much entropy to guess, so one SHA-256 (no slow hash) is enough to keep the
 * database copy useless. Only hashes are stored.
 */
export function newOpaqueSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What a client_id can be (the spec's OAuthClientId): ours are 22 base64url characters. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** 128 random bits: a public identifier (client_id), not a secret. */
export function newClientId(): string {
  return randomBytes(16).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time (the hashes have a fixed length). */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'utf8');
  const b = Buffer.from(storedHash, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 7636 §4.6, S256 only: BASE64URL(SHA-256(ASCII(code_verifier))) equals the stored challenge. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'), 'utf8');
  const stored = Buffer.from(challenge, 'utf8');
  return computed.length === stored.length && timingSafeEqual(computed, stored);
}

/** RFC 7636 §4.2: 43 base64url characters (a SHA-256). */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
