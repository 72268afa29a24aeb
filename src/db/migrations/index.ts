import type { Migration } from 'kysely';
import * as usersAndTodos from './2026_11_23_0001_users_and_todos';
import * as refreshTokens from './2026_11_24_0001_refresh_tokens';
import * as throttleEvents from './2026_11_25_0001_throttle_events';

/** Listed in code rather than read from a folder, so the same list works from src/ (tests) and dist/ (production). */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_users_and_todos': usersAndTodos,
  '2026_11_24_0001_refresh_tokens': refreshTokens,
  '2026_11_25_0001_throttle_events': throttleEvents,
};
