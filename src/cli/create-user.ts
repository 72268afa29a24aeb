import Ajv from 'ajv';
import { dereferenceSync, type JSONSchema } from 'dereference-json-schema';
import type { components } from '../../generated/api';
import { systemClock } from '../clock';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import type { FieldError } from '../http/errors';
import { presentUser } from '../handlers/presenters';
import { withFormats } from '../http/openapi/ajv';
import { toFieldErrors } from '../http/openapi/validation-errors';
import { createPasswordHasher } from '../security/passwords';
import { registerUser } from '../services/registration';
import { loadSpec } from '../spec';
import { EXIT, UsageError, type Command, type Flags } from './command';

type UserCreate = components['schemas']['UserCreate'];
type Role = components['schemas']['Role'];

// Keyed by the generated Role type, so the compiler flags this list when the spec's enum changes.
const ROLES: Record<Role, true> = { user: true, admin: true };

export const createUser: Command = {
  usage: '--username NAME --email EMAIL [--role user|admin] --password-stdin',
  options: {
    username: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string', default: 'user' },
    'password-stdin': { type: 'boolean' },
  },
  async run(flags) {
    const { username, email, role } = readFlags(flags);
    // Before stdin, so a misconfigured environment does not swallow the password first.
    const config = loadConfig(process.env);
    const input: UserCreate = { username, email, password: stripOneNewline(await readStdin()) };
    const problems = validateUserCreate(input);
    if (problems.length > 0) return printFieldErrors(problems);
    return register(config, input, role);
  },
};

function readFlags(flags: Flags): { username: string; email: string; role: Role } {
  const { username, email, role } = flags;
  if (typeof username !== 'string') throw new UsageError('--username is required');
  if (typeof email !== 'string') throw new UsageError('--email is required');
  // Required rather than implied, so the password source is explicit in scripts and shell history.
  if (flags['password-stdin'] !== true) throw new UsageError('--password-stdin is required (the password is read from standard input)');
  if (typeof role !== 'string' || !Object.hasOwn(ROLES, role)) {
    throw new UsageError(`--role must be one of ${Object.keys(ROLES).join(', ')} (got "${String(role)}")`);
  }
  return { username, email, role: role as Role };
}

async function readStdin(): Promise<string> {
  // An interactive terminal would otherwise look hung while it waits for end of file.
  if (process.stdin.isTTY) process.stderr.write('reading the password from standard input; end it with Ctrl-D\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `echo` and here-strings append a newline the operator did not mean as part of the password. */
function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * Compiled from the spec itself, with the API's ajv formats, so the CLI cannot drift from POST /users.
 * allErrors lists every problem at once; it changes what is reported, not what is accepted.
 */
function validateUserCreate(input: UserCreate): FieldError[] {
  const document = dereferenceSync(loadSpec().document as unknown as JSONSchema) as { components?: { schemas?: Record<string, object> } };
  const schema = document.components?.schemas?.UserCreate;
  if (!schema) throw new Error('openapi.yaml has no components.schemas.UserCreate');
  const validate = withFormats(new Ajv({ strict: false, allErrors: true })).compile(schema);
  if (validate(input)) return [];
  // toFieldErrors expects openapi-backend's paths, which start at /requestBody.
  return toFieldErrors((validate.errors ?? []).map((error) => ({ ...error, instancePath: `/requestBody${error.instancePath}` })));
}

function printFieldErrors(errors: readonly FieldError[]): number {
  for (const error of errors) process.stderr.write(`${error.field ?? 'input'}: ${error.message}\n`);
  return EXIT.usage;
}

async function register(config: Config, input: UserCreate, role: Role): Promise<number> {
  const database = await openDatabase(config);
  // One thread: a single hash gains nothing from a pool, and each extra thread costs startup time.
  const passwords = createPasswordHasher({ cost: config.bcryptCost, threads: 1 });
  try {
    await migrateToLatest(database.db, database.dialect);
    const registration = await registerUser({ db: database.db, clock: systemClock, passwords }, input, role, true);
    if (registration.outcome === 'user_exists') {
      process.stderr.write('error: a user with this username or email already exists\n');
      return EXIT.failure;
    }
    // The same rule as POST /users: an operator's admin password is no exception.
    if (registration.outcome === 'password_too_common') return printFieldErrors([{ location: 'body', field: 'password', message: 'is on a list of commonly used passwords' }]);
    process.stdout.write(`${JSON.stringify(presentUser(registration.user))}\n`);
    return EXIT.ok;
  } finally {
    await Promise.all([passwords.close(), database.close()]);
  }
}
