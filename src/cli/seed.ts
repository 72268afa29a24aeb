import type { components } from '../../generated/api';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import type { UserRow } from '../db/schema';
import { findUserByNormalizedUsername } from '../repositories/users.repository';
import { insertTodo, selectTodosOfOwner } from '../repositories/todos.repository';
import { createPasswordHasher } from '../security/passwords';
import { registerUser } from '../services/registration';
import { loadSpec } from '../spec';
import { EXIT, type Command } from './command';

type UserCreate = components['schemas']['UserCreate'];
type TodoCreate = components['schemas']['TodoCreate'];

interface Fixtures {
  readonly user: UserCreate;
  readonly todo: TodoCreate;
}

/**
 * The request examples of POST /users and POST /todos, read from openapi.yaml itself, so the
 * documented credentials (alice / "correct horse battery staple") always log in after a seed.
 */
function fixturesFromSpec(): Fixtures {
  const paths = loadSpec().document.paths as Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { example?: unknown }> } }>
  >;
  const exampleOf = (path: string) => {
    const example = paths[path]?.post?.requestBody?.content?.['application/json']?.example;
    if (example === undefined) throw new Error(`openapi.yaml has no request example for POST ${path}`);
    return example;
  };
  return { user: exampleOf('/users') as UserCreate, todo: exampleOf('/todos') as TodoCreate };
}

export const seed: Command = {
  usage: '',
  options: {},
  async run() {
    const config = loadConfig(process.env);
    // Its password is printed in the public docs: such a user must never exist on a real server.
    if (config.production) {
      process.stderr.write(
        'error: seed loads publicly documented credentials and is refused with NODE_ENV=production\n',
      );
      return EXIT.usage;
    }
    const { user, todo } = fixturesFromSpec();
    const database = await openDatabase(config);
    const passwords = createPasswordHasher({ cost: config.bcryptCost, threads: 1 });
    try {
      await migrateToLatest(database.db, database.dialect);
      const services = { db: database.db, clock: systemClock, passwords };
      // Idempotent: an existing user is kept as is (their password included), missing rows are added.
      const existing = await findUserByNormalizedUsername(database.db, user.username.toLowerCase());
      const owner = existing ?? (await registeredUser(services, user));
      const todos = await selectTodosOfOwner(database.db, owner.id, 0, 100);
      if (!todos.some((row) => row.title === todo.title)) {
        const now = systemClock.now().toISOString();
        await insertTodo(database.db, {
          owner_id: owner.id,
          title: todo.title,
          done: todo.done ? 1 : 0,
          created_at: now,
          updated_at: now,
        });
      }
      process.stdout.write(
        `seeded: user ${owner.username} (id ${owner.id}, ${existing ? 'already there' : 'created'}), todo "${todo.title}"\n`,
      );
      return EXIT.ok;
    } finally {
      await Promise.all([passwords.close(), database.close()]);
    }
  },
};

/** Registered just after finding no such user: a clash means another seed ran at the same moment. */
async function registeredUser(...args: Parameters<typeof registerUser>): Promise<UserRow> {
  const registration = await registerUser(...args);
  if (registration.outcome !== 'registered') throw new Error('the seed user appeared while seeding; run seed again');
  return registration.user;
}
