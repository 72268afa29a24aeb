import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { components } from '../../generated/api';

type Role = components['schemas']['Role'];

/**
 * The database as Kysely sees it, in one place. Booleans are stored as 0/1 integers and
 * timestamps as ISO-8601 UTC text so that SQLite and PostgreSQL hold the same values.
 */
export interface UserTable {
  id: Generated<number>;
  username: string;
  /** Lower-cased copies carry the unique indexes: names and emails are unique case-insensitively. */
  username_normalized: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  role: Role;
  is_active: number;
  created_at: string;
}

export interface TodoTable {
  id: Generated<number>;
  owner_id: number;
  title: string;
  done: number;
  created_at: string;
  updated_at: string;
}

export interface Database {
  users: UserTable;
  todos: TodoTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type TodoRow = Selectable<TodoTable>;
export type NewTodoRow = Insertable<TodoTable>;
export type TodoChanges = Updateable<TodoTable>;
