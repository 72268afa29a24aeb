import { verify } from '@node-rs/argon2';
import type { ForeignHashScheme } from '.';

// PHC strings as pwdlib, argon2-cffi and passlib write them: Argon2id or Argon2i, version 19,
// memory/time/parallelism, then base64 (unpadded) salt and digest. Argon2d is not for passwords.
const ARGON2_HASH = /^\$argon2(id|i)\$v=19\$m=\d{1,8},t=\d{1,4},p=\d{1,3}\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$/;

/** Whether a stored hash is an Argon2 hash imported from another system (tollgate itself writes bcrypt). */
export function isArgon2Hash(hash: string): boolean {
  return ARGON2_HASH.test(hash);
}

/**
 * Checks a password against an imported Argon2 hash with @node-rs/argon2 (native, off the event
 * loop). A hash the library cannot read counts as a wrong password, never as an error.
 */
export async function verifyArgon2(password: string, hash: string): Promise<boolean> {
  try {
    return await verify(hash, password);
  } catch {
    return false;
  }
}

/** Imported Argon2 hashes as a scheme the password hasher verifies (and asks to rehash on a match). */
export const argon2Scheme: ForeignHashScheme = { name: 'argon2', recognizes: isArgon2Hash, verify: verifyArgon2 };
