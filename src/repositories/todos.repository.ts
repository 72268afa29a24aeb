import { CompiledQuery, type Kysely } from 'kysely';
import type { Database, NewTodoRow, TodoChanges, TodoRow } from '../db/schema';

type Db = Kysely<Database>;

/**
 * The SQL of a query that reads todos on every request, compiled once per database (as
 * findUserWithSession's): building and compiling a Kysely query per request was a fifth of the
 * instructions of GET /todos/{id}. `build` writes the query with stand-in values; the real ones
 * are bound in the same order.
 */
function compiledOnce(build: (db: Db) => { compile(): CompiledQuery }): (db: Db) => string {
  const sql = new WeakMap<Db, string>();
  return (db) => {
    let text = sql.get(db);
    if (text === undefined) {
      text = build(db).compile().sql;
      sql.set(db, text);
    }
    return text;
  };
}

const todoOfOwnerSql = compiledOnce((db) =>
  db.selectFrom('todos').selectAll().where('owner_id', '=', 0).where('id', '=', 0),
);

const todosOfOwnerSql = compiledOnce((db) =>
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
