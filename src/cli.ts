import { parseArgs } from 'node:util';
import { createClient } from './cli/create-client';
import { createUser } from './cli/create-user';
import { importUsersCommand } from './cli/import-users';
import { seed } from './cli/seed';
import { EXIT, UsageError, type Command, type Flags } from './cli/command';
import { ConfigError } from './config';

// A Map, not an object literal, so "constructor" or "__proto__" can never resolve to a command.
const COMMANDS = new Map<string, Command>([
  ['create-user', createUser],
  ['create-client', createClient],
  ['import-users', importUsersCommand],
  ['seed', seed],
]);

function usage(): string {
  const lines = [...COMMANDS].map(([name, command]) => `  npm run cli -- ${name} ${command.usage}`);
  return ['usage:', ...lines].join('\n');
}

function usageError(message: string): number {
  process.stderr.write(`error: ${message}\n${usage()}\n`);
  return EXIT.usage;
}

/** parseArgs reports unknown flags, missing values and stray arguments as TypeErrors with these codes. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}

function parseFlags(command: Command, args: string[]): Flags | number {
  try {
    return parseArgs({ args, options: command.options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    if (isParseArgsError(error)) return usageError(error.message);
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : COMMANDS.get(name);
  if (!command) return usageError(name === undefined ? 'no command given' : `unknown command "${name}"`);
  const flags = parseFlags(command, args);
  if (typeof flags === 'number') return flags;
  try {
    return await command.run(flags);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
    return EXIT.usage;
  }
}

// exitCode rather than process.exit(), so stdout is flushed before the process ends.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.failure;
  },
);
