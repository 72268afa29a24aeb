// Accounts: registration, passwords, re-authentication for sensitive changes, mail links, sessions and the resources a user owns.
// Every named error is built in one of these files (see index.ts): services return outcomes, never these.
import { ApiError, conflict, notFound, retryAfter } from './problem';

export const userExists = (): ApiError => conflict('user_exists', 'A user with this username or email already exists.');

export const wrongPassword = (): ApiError =>
  new ApiError(400, 'wrong_password', 'The current password is not correct.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }],
  });

/** NIST SP 800-63B §3.1.1.2; the password itself is never echoed back. */
export const passwordTooCommon = (field: 'password' | 'new_password'): ApiError =>
  new ApiError(400, 'password_too_common', 'This password is on a list of commonly used passwords; choose another.', {
    errors: [{ location: 'body', field, message: 'is on a list of commonly used passwords' }],
  });

/** Every check of the current password (services/reauthentication.ts) shares the login limits: a wrong one is a failed login. */
export const passwordChangeThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many failed password attempts. Try again later.', {
    headers: retryAfter(retryAfterSeconds),
  });

export const registrationThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many registrations from this address. Try again later.', {
    headers: retryAfter(retryAfterSeconds),
  });

/** One answer for unknown, expired and used tokens: which of the three it was helps nobody but a guesser. */
export const invalidMailToken = (): ApiError =>
  new ApiError(400, 'invalid_mail_token', 'This link is invalid, expired or already used. Ask for a new one.');

export const mailRequestsThrottled = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', 'Too many mail requests. Try again later.', {
    headers: retryAfter(retryAfterSeconds),
  });

// Sensitive changes (services/reauthentication.ts): the access token alone is not proof enough.
export const reauthenticationRequired = (): ApiError =>
  new ApiError(403, 'reauthentication_required', 'This change needs your current password in current_password.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is required for this change' }],
  });

export const wrongCurrentPassword = (): ApiError =>
  new ApiError(403, 'invalid_credentials', 'The current password is not correct.', {
    errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }],
  });

export const userNotFound = (): ApiError => notFound('No user with this id.');

// Another user's todo answers 404, never 403: its existence is not ours to reveal.
export const todoNotFound = (): ApiError => notFound('No todo with this id.');

export const sessionNotFound = (): ApiError => notFound('No session with this id.');

export const selfLockout = (): ApiError =>
  conflict('self_lockout', 'Admins cannot deactivate or demote themselves; ask another admin.');
