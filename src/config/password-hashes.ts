import type { EnvReader } from './env-reader';

/**
 * The dearest stored hash a login will compute. An imported `$2b$31$` hash or an Argon2 hash asking
 * for gigabytes would tie a hashing thread up for hours per attempt; beyond these, a hash is refused
 * (at import) or treated as a wrong password without being computed (at login).
 */
export interface PasswordHashBounds {
  readonly bcryptCost: number;
  /** Argon2 `m`, in KiB as the PHC string writes it. */
  readonly argon2MemoryKib: number;
  /** Argon2 `t`: passes over the memory. */
  readonly argon2Time: number;
  /** Argon2 `p`: lanes. */
  readonly argon2Parallelism: number;
}

export interface PasswordHashConfig {
  readonly passwordHashBounds: PasswordHashBounds;
}

const DEFAULT_MAX_BCRYPT_COST = 14;

/** `bcryptCost` is BCRYPT_COST: tollgate's own hashes must stay within the bound it enforces. */
export function readPasswordHashConfig(read: EnvReader, bcryptCost: number): PasswordHashConfig {
  // The default follows BCRYPT_COST up (15 is allowed there), so no existing setting stops working.
  const maxBcryptCost = read.integer(
    'PASSWORD_HASH_MAX_BCRYPT_COST',
    Math.max(DEFAULT_MAX_BCRYPT_COST, bcryptCost),
    4,
    31,
  );
  if (maxBcryptCost < bcryptCost)
    read.problems.push(
      `PASSWORD_HASH_MAX_BCRYPT_COST (${maxBcryptCost}) must not be below BCRYPT_COST (${bcryptCost})`,
    );
  return {
    passwordHashBounds: {
      bcryptCost: maxBcryptCost,
      argon2MemoryKib: read.integer('PASSWORD_HASH_MAX_ARGON2_MEMORY_KIB', 262_144, 8, 4_194_304),
      argon2Time: read.integer('PASSWORD_HASH_MAX_ARGON2_TIME', 10, 1, 1000),
      argon2Parallelism: read.integer('PASSWORD_HASH_MAX_ARGON2_PARALLELISM', 16, 1, 255),
    },
  };
}
