import type { ParseArgsConfig } from 'node:util';

/** Exit codes operators script against; the README documents them, so they only ever grow. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** What parseArgs hands a command; commands narrow each flag themselves. */
export type Flags = Readonly<Record<string, unknown>>;

export interface Command {
  /** Flags after the command name, shown in the usage text. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(flags: Flags): Promise<number>;
}

/** A bad invocation: the entry point prints it with the usage text and exits 2. */
export class UsageError extends Error {}
