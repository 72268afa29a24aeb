import type { UserRow } from '../db/schema';
import { replacePasswordHash } from '../repositories/user-import.repository';
import { isArgon2Hash, verifyArgon2 } from '../security/argon2-hashes';
import type { Services } from '../services';

type Deps = Pick<Services, 'db' | 'passwords'>;

/**
 * The password check of a login, for users whose hash may have been imported (`import-users`):
 * bcrypt hashes go to the password hasher as before; an Argon2 hash is verified with
 * @node-rs/argon2 and, on a successful login, replaced by a bcrypt hash at BCRYPT_COST, so
 * imported users end up like everyone else (pwdlib's verify_and_update).
 */
export async function verifyStoredPassword(deps: Deps, password: string, user: UserRow | undefined): Promise<boolean> {
  const stored = user?.password_hash;
  if (user === undefined || stored === undefined || !isArgon2Hash(stored)) return deps.passwords.verify(password, stored);
  // The same dummy bcrypt comparison an unknown user costs runs alongside, on the same hashing
  // threads: a failed login lasts max(Argon2, bcrypt at BCRYPT_COST), which is the bcrypt time of
  // every other failure unless the imported Argon2 parameters cost more than that bcrypt does.
  const [matches] = await Promise.all([verifyArgon2(password, stored), deps.passwords.verify(password, undefined)]);
  if (matches && user.is_active === 1) await replacePasswordHash(deps.db, user.id, stored, await deps.passwords.hash(password));
  return matches;
}
