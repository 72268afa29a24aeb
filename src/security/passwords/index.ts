import path from 'node:path';
import bcrypt from 'bcryptjs';
import { Piscina } from 'piscina';
import type { PasswordHashBounds } from '../../config';
import { exceedsHashBounds } from './hash-bounds';
import { bcryptCandidatesOf, bcryptInputOf, normalizePassword } from './password-input';

export interface Verification {
  matches: boolean;
  /**
   * The password is right but the stored hash should be replaced by `hash(password)`: another
   * bcrypt cost than the configured one, made before normalisation, or another scheme.
   */
  needsRehash: boolean;
}

/** Another hash format (e.g. imported Argon2 hashes): recognised by its stored string, always rehashed after a match. */
export interface ForeignHashScheme {
  /** The `cost` label its comparisons are counted under (e.g. `argon2`). */
  readonly name: string;
  recognizes(stored: string): boolean;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface PasswordHasher {
  /** bcrypt at the configured cost of the normalised (and, past 72 bytes, pre-hashed) password. */
  hash(password: string): Promise<string>;
  /** Compares against `stored`, or against a dummy hash at the configured cost when there is no user, so both paths cost the same. */
  verify(password: string, stored: string | undefined): Promise<Verification>;
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
  /** Told the bcrypt cost (or the foreign scheme's name) of every comparison made: the work a verification did, as metrics. */
  onCompare?: (cost: number | string) => void;
  schemes?: readonly ForeignHashScheme[];
  /** Stored hashes dearer than this are never computed: they verify nothing (PASSWORD_HASH_MAX_*). */
  bounds?: PasswordHashBounds;
}

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The cost of a bcrypt hash, or undefined for anything else. */
export function bcryptCostOf(stored: string): number | undefined {
  const match = BCRYPT_HASH.exec(stored);
  return match ? Number(match[1]) : undefined;
}

/**
 * A hash no password matches, at the configured cost: only the salt needs randomness, so it is
 * made without hashing anything and the first unknown-user login costs no more than the next.
 */
function dummyHashAt(cost: number): string {
  return bcrypt.genSaltSync(cost) + bcrypt.genSaltSync(4).slice(-22) + 'A'.repeat(9);
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
  const compare = async (candidates: string[], against: string, cost: number): Promise<number> => {
    const matched = await run<number>('compare', { candidates, hash: against });
    // Every candidate is compared unless one matches: a wrong password does all the work.
    for (let i = 0; i < (matched === -1 ? candidates.length : matched + 1); i++) options.onCompare?.(cost);
    return matched;
  };
  const dummyHash = dummyHashAt(options.cost);

  return {
    hash: (password) => run('hash', { password: bcryptInputOf(normalizePassword(password)), cost: options.cost }),
    async verify(password, stored) {
      const candidates = bcryptCandidatesOf(password);
      if (stored !== undefined && options.bounds && exceedsHashBounds(stored, options.bounds)) {
        // Refused unread, with the dummy comparison: the answer and the time of a wrong password,
        // instead of hours of one hashing thread (or gigabytes of Argon2 memory) per attempt.
        await compare(candidates, dummyHash, options.cost);
        return { matches: false, needsRehash: false };
      }
      const cost = stored === undefined ? undefined : bcryptCostOf(stored);
      if (stored === undefined || cost === undefined) {
        const scheme = stored === undefined ? undefined : options.schemes?.find((s) => s.recognizes(stored));
        if (scheme && stored !== undefined) {
          // The dummy comparison runs alongside on the hashing threads: a wrong password against an
          // imported hash lasts as long as one against any other hash (unless the imported scheme's
          // own parameters cost more than bcrypt at the configured cost).
          const [matches] = await Promise.all([scheme.verify(password, stored), compare(candidates, dummyHash, options.cost)]);
          options.onCompare?.(scheme.name);
          return { matches, needsRehash: true };
        }
        // No user (or a hash nobody can read): the same comparisons a real user at the configured cost costs.
        await compare(candidates, dummyHash, options.cost);
        return { matches: false, needsRehash: false };
      }
      const matched = await compare(candidates, stored, cost);
      return { matches: matched !== -1, needsRehash: matched > 0 || (matched === 0 && cost !== options.cost) };
    },
    queueDepth: () => pool.queueSize,
    close: () => pool.destroy(),
  };
}
