import { CompiledQuery, type Kysely } from 'kysely';
import { perRequestRead } from '../db/per-request-reads';
import type { Database, NewTodoRow, TodoChanges, TodoRow } from '../db/schema';

type Db = Kysely<Database>;

const todoOfOwnerSql = perRequestRead((db) =>
  db.selectFrom('todos').selectAll().where('owner_id', '=', 0).where('id', '=', 0),
);

const todosOfOwnerSql = perRequestRead((db) =>
  db.selectFrom('todos').selectAll().where('owner_id', '=', 0).where('id', '>', 0).orderBy('id', 'asc').limit(1),
);

export async function insertTodo(db: Db, todo: NewTodoRow): Promise<TodoRow> {
  return db.insertInto('todos').values(todo).returningAll().executeTakeFirstOrThrow();
}

export async function findTodoOfOwner(db: Db, ownerId: number, id: number): Promise<TodoRow | undefined> {
  const { rows } = await db.executeQuery<TodoRow>(CompiledQuery.raw(todoOfOwnerSql(db), [ownerId, id]));
  return rows[0];
}

/** Keyset pagination on the primary key: stable while rows are added or removed between pages. */
export async function selectTodosOfOwner(db: Db, ownerId: number, afterId: number, limit: number): Promise<TodoRow[]> {
  const { rows } = await db.executeQuery<TodoRow>(CompiledQuery.raw(todosOfOwnerSql(db), [ownerId, afterId, limit]));
  return rows;
}

export async function updateTodoOfOwner(
  db: Db,
  ownerId: number,
  id: number,
  changes: TodoChanges,
): Promise<TodoRow | undefined> {
  return db
    .updateTable('todos')
    .set(changes)
    .where('owner_id', '=', ownerId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteTodoOfOwner(db: Db, ownerId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom('todos').where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
