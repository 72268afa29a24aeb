export type Env = Readonly<Record<string, string | undefined>>;

/** Every problem in the environment, one line each, reported all at once by loadConfig. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** Reads typed values from the environment; a bad value is noted in `problems` and the fallback used, so reading goes on. */
export interface EnvReader {
  readonly env: Env;
  readonly problems: string[];
  /** The variable's value; undefined when unset or empty. */
  text(name: string): string | undefined;
  integer(name: string, fallback: number, min: number, max: number): number;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  boolean(name: string, fallback: boolean): boolean;
}

export function envReader(env: Env): EnvReader {
  const problems: string[] = [];
  const text = (name: string): string | undefined => env[name] || undefined;
  return {
    env,
    problems,
    text,
    integer(name, fallback, min, max) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    },
    oneOf(name, allowed, fallback) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      if ((allowed as readonly string[]).includes(raw)) return raw as (typeof allowed)[number];
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    },
    boolean(name, fallback) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    },
  };
}

/** Frozen all the way down: no part of the configuration can change after startup. */
export function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const member of Object.values(value)) {
    // A Buffer (a key) cannot be frozen: V8 refuses to freeze a typed array with elements.
    if (typeof member === 'object' && member !== null && !ArrayBuffer.isView(member) && !Object.isFrozen(member))
      deepFreeze(member as object);
  }
  return Object.freeze(value);
}

/** An http(s) URL (origin or base URL), or undefined when it does not parse. */
export function httpUrl(raw: string): URL | undefined {
  try {
    const parsed = new URL(raw);
    return ['http:', 'https:'].includes(parsed.protocol) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
