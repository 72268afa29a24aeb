import type { HandlerMap } from '../http/operation-types';
import { createTodo, deleteTodo, getTodo, listTodos, updateTodo } from './todos';
import { issueToken } from './tokens';
import { createUser, getCurrentUser } from './users';

export const handlers: HandlerMap = { createUser, getCurrentUser, issueToken, listTodos, createTodo, getTodo, updateTodo, deleteTodo };
