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
  close(): Promise<void>;
}

export function createPasswordHasher(options: { cost: number; threads: number }): PasswordHasher {
  const pool = new Piscina({
    filename: path.join(__dirname, 'password-worker.js'),
    minThreads: 1,
    maxThreads: options.threads,
  });
  const hash = (password: string): Promise<string> => pool.run({ password, cost: options.cost }, { name: 'hash' });
  const compare = (password: string, against: string): Promise<boolean> => pool.run({ password, hash: against }, { name: 'compare' });

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
    close: () => pool.destroy(),
  };
}
