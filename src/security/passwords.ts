import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Piscina } from 'piscina';

/** bcrypt reads at most 72 bytes; longer passwords are refused instead of silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Compares against `hash`, or against a dummy hash when there is no user, so both paths cost the same. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
  /** Tasks waiting for a free thread right now. */
  queueDepth(): number;
  close(): Promise<void>;
}

interface TaskAnswer<T> {
  waitedMs: number;
  result: T;
}

export interface PasswordHasherOptions {
  cost: number;
  threads: number;
  /** Told how long each task waited for a thread (the pool's saturation, as metrics). */
  onWait?: (seconds: number) => void;
}

export function createPasswordHasher(options: PasswordHasherOptions): PasswordHasher {
  const pool = new Piscina({
    filename: path.join(__dirname, 'password-worker.js'),
    // No thread until the first hash, and none after idleTimeout without one: an idle server holds
    // no hashing thread (about 9 MB of RSS each). The first login after a quiet spell pays to start
    // one: about 0.13 s measured here, once.
    minThreads: 0,
    maxThreads: options.threads,
    // Piscina's default (0) would end it the moment the queue is empty, and every burst of logins
    // would pay that start again.
    idleTimeout: 30_000,
  });
  const run = async <T>(name: string, task: Record<string, unknown>): Promise<T> => {
    const answer = (await pool.run({ ...task, queuedAt: performance.timeOrigin + performance.now() }, { name })) as TaskAnswer<T>;
    options.onWait?.(Math.max(0, answer.waitedMs) / 1000);
    return answer.result;
  };
  const hash = (password: string): Promise<string> => run('hash', { password, cost: options.cost });
  const compare = (password: string, against: string): Promise<boolean> => run('compare', { password, hash: against });

  // Made once, at the configured cost, so that "no such user" takes as long as "wrong password".
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> => (dummyHash ??= hash(randomBytes(16).toString('hex')));

  return {
    hash,
    async verify(password, stored) {
      if (stored !== undefined) return compare(password, stored);
      await compare(password, await getDummyHash());
      return false;
    },
    queueDepth: () => pool.queueSize,
    close: () => pool.destroy(),
  };
}
