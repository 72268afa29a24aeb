import type { components } from '../../generated/api';
import { conflict } from '../errors';
import { isUniqueViolation } from '../db/errors';
import type { UserRow } from '../db/schema';
import { existsUserWithNameOrEmail, insertUser } from '../repositories/users.repository';
import type { Services } from '../services';

type UserCreate = components['schemas']['UserCreate'];
type Role = components['schemas']['Role'];

export const userExists = () => conflict('user_exists', 'A user with this username or email already exists.');

/**
 * Shared by POST /users and the operator CLI, so both enforce the same rules. The CLI's users are
 * verified: the operator vouches for the address; API registrations prove it by mail.
 */
export async function registerUser(services: Pick<Services, 'db' | 'clock' | 'passwords'>, input: UserCreate, role: Role = 'user', emailVerified = false): Promise<UserRow> {
  const username_normalized = input.username.toLowerCase();
  const email_normalized = input.email.toLowerCase();
  // Cheap early answer that spares a bcrypt hash; the unique indexes below remain the real guard against races.
  if (await existsUserWithNameOrEmail(services.db, username_normalized, email_normalized)) throw userExists();
  const password_hash = await services.passwords.hash(input.password);
  try {
    return await insertUser(services.db, {
      username: input.username,
      username_normalized,
      email: input.email,
      email_normalized,
      password_hash,
      role,
      is_active: 1,
      email_verified: emailVerified ? 1 : 0,
      created_at: services.clock.now().toISOString(),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw userExists();
    throw error;
  }
}
