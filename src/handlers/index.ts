import type { HandlerMap } from '../http/operation-types';
import { pending } from './pending';
import { createTodo, deleteTodo, getTodo, listTodos, updateTodo } from './todos';
import { issueToken } from './tokens';
import { createUser, getCurrentUser } from './users';

export const handlers: HandlerMap = {
  createUser,
  getCurrentUser,
  updateCurrentUser: pending,
  changePassword: pending,
  endAllSessions: pending,
  listUsers: pending,
  getUser: pending,
  updateUser: pending,
  issueToken,
  revokeToken: pending,
  getJwks: pending,
  getAuthorizationServerMetadata: pending,
  listTodos,
  createTodo,
  getTodo,
  updateTodo,
  deleteTodo,
};
