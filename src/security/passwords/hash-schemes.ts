import { isArgon2Hash } from './argon2-hashes';

/** Modular-crypt bcrypt in every variant other systems write ($2a$ passlib/PHP, $2b$, $2y$), cost 4–31. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

export type HashScheme = 'bcrypt' | 'argon2';

/** The scheme of a password hash tollgate can verify, or undefined: such a hash cannot be imported. */
export function hashSchemeOf(hash: string): HashScheme | undefined {
  if (BCRYPT_HASH.test(hash)) return 'bcrypt';
  if (isArgon2Hash(hash)) return 'argon2';
  return undefined;
}
