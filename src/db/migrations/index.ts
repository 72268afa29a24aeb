import type { Migration } from 'kysely';
import * as usersAndTodos from './2026_11_23_0001_users_and_todos';

/** Listed in code rather than read from a folder, so the same list works from src/ (tests) and dist/ (production). */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_users_and_todos': usersAndTodos,
};
