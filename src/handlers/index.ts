import type { HandlerMap } from '../http/operation-types';
import { pending } from './pending';
import { revokeToken } from './revocation';
import { changePassword, endAllSessions } from './sessions';
import { createTodo, deleteTodo, getTodo, listTodos, updateTodo } from './todos';
import { issueToken } from './tokens';
import { createUser, getCurrentUser } from './users';

export const handlers: HandlerMap = {
  createUser,
  getCurrentUser,
  updateCurrentUser: pending,
  changePassword,
  endAllSessions,
  listUsers: pending,
  getUser: pending,
  updateUser: pending,
  issueToken,
  revokeToken,
  getJwks: pending,
  getAuthorizationServerMetadata: pending,
  listTodos,
  createTodo,
  getTodo,
  updateTodo,
  deleteTodo,
};
