import type { components } from '../../generated/api';
import type { UserRow } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { existsUserWithNameOrEmail, insertUser, TAKEN } from '../repositories/users.repository';
import { isCommonPassword } from '../security/passwords/common-passwords';

type UserCreate = components['schemas']['UserCreate'];
type Role = components['schemas']['Role'];

export type Registration = { readonly outcome: 'registered'; readonly user: UserRow } | { readonly outcome: 'user_exists' } | { readonly outcome: 'password_too_common' };

/**
 * Shared by POST /users and the operator CLI, so both enforce the same rules. The CLI's users are
 * verified: the operator vouches for the address; API registrations prove it by mail.
 */
export async function registerUser(deps: Pick<Dependencies, 'db' | 'clock' | 'passwords'>, input: UserCreate, role: Role = 'user', emailVerified = false): Promise<Registration> {
  if (isCommonPassword(input.password)) return { outcome: 'password_too_common' };
  const username_normalized = input.username.toLowerCase();
  const email_normalized = input.email.toLowerCase();
  // Cheap early answer that spares a bcrypt hash; the unique indexes remain the real guard against races.
  if (await existsUserWithNameOrEmail(deps.db, username_normalized, email_normalized)) return { outcome: 'user_exists' };
  const password_hash = await deps.passwords.hash(input.password);
  const user = await insertUser(deps.db, {
    username: input.username,
    username_normalized,
    email: input.email,
    email_normalized,
    password_hash,
    role,
    is_active: 1,
    email_verified: emailVerified ? 1 : 0,
    created_at: deps.clock.now().toISOString(),
  });
  return user === TAKEN ? { outcome: 'user_exists' } : { outcome: 'registered', user };
}
