import type { PasswordHashBounds } from '../../config';

const BCRYPT_COST = /^\$2[aby]\$(\d\d)\$/;
const ARGON2_PARAMETERS = /^\$argon2(?:id|i)\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * Whether computing this stored hash costs more than the bounds allow: a bcrypt cost or Argon2
 * memory, passes or lanes above them. Such a hash is never computed (one check could take hours or
 * gigabytes); read from the string alone. Hashes of other formats are not this check's business.
 */
export function exceedsHashBounds(hash: string, bounds: PasswordHashBounds): boolean {
  const bcrypt = BCRYPT_COST.exec(hash);
  if (bcrypt) return Number(bcrypt[1]) > bounds.bcryptCost;
  const argon2 = ARGON2_PARAMETERS.exec(hash);
  if (!argon2) return false;
  const [memory, time, parallelism] = argon2.slice(1).map(Number) as [number, number, number];
  return memory > bounds.argon2MemoryKib || time > bounds.argon2Time || parallelism > bounds.argon2Parallelism;
}
