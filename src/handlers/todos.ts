import { todoNotFound } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/openapi/operation-types';
import { deleteTodoOfOwner, findTodoOfOwner, insertTodo, selectTodosOfOwner, updateTodoOfOwner } from '../repositories/todos.repository';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from './cursor';
import { presentTodo } from './presenters';

export const listTodos: OperationHandler<'listTodos'> = async (input, { db }) => {
  const { user } = authenticated(input);
  const limit = input.query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await selectTodosOfOwner(db, user.id, decodeCursor(input.query.cursor), limit + 1);
  return { status: 200, body: pageOf(rows, limit, presentTodo) };
};

export const createTodo: OperationHandler<'createTodo'> = async (input, { db, clock }) => {
  const { user } = authenticated(input);
  const now = clock.now().toISOString();
  const todo = await insertTodo(db, { owner_id: user.id, title: input.body.title, done: input.body.done ? 1 : 0, created_at: now, updated_at: now });
  return { status: 201, body: presentTodo(todo), headers: { Location: `/todos/${todo.id}` } };
};

export const getTodo: OperationHandler<'getTodo'> = async (input, { db }) => {
  const todo = await findTodoOfOwner(db, authenticated(input).user.id, input.path.id);
  if (!todo) throw todoNotFound();
  return { status: 200, body: presentTodo(todo) };
};

export const updateTodo: OperationHandler<'updateTodo'> = async (input, { db, clock }) => {
  const { title, done } = input.body;
  const todo = await updateTodoOfOwner(db, authenticated(input).user.id, input.path.id, {
    ...(title !== undefined && { title }),
    ...(done !== undefined && { done: done ? 1 : 0 }),
    updated_at: clock.now().toISOString(),
  });
  if (!todo) throw todoNotFound();
  return { status: 200, body: presentTodo(todo) };
};

export const deleteTodo: OperationHandler<'deleteTodo'> = async (input, { db }) => {
  if (!(await deleteTodoOfOwner(db, authenticated(input).user.id, input.path.id))) throw todoNotFound();
  return { status: 204, body: undefined };
};
