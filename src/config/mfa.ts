import type { EnvReader } from './env-reader';

export interface MfaConfig {
  /** 32 bytes from MFA_ENCRYPTION_KEY; undefined = generated outside production (src/security/mfa/keys.ts). */
  readonly encryptionKey: Buffer | undefined;
  /** Retired keys (MFA_PREVIOUS_ENCRYPTION_KEYS) that still open the secrets sealed with them. */
  readonly previousKeys: readonly Buffer[];
  readonly issuer: string;
  readonly requiredForAdmin: boolean;
  /** Wrong codes in a row per account, from any address, before its second step is refused (NIST 800-63B §5.2.2: at most 100). */
  readonly maxConsecutiveFailures: number;
  /** Seconds a wrong code keeps counting against that cap (a sliding window; a right code clears it). */
  readonly failureWindow: number;
}

export interface MfaSettings {
  /** Second factor (docs/mfa.md): the TOTP secret encryption keys, the name in otpauth URIs, the admin rule. */
  readonly mfa: MfaConfig;
}

const KEY_BYTES = 32;
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const ISSUER = /^[^:\u0000-\u001F\u007F]{1,64}$/;

/** MFA_ENCRYPTION_KEY, MFA_PREVIOUS_ENCRYPTION_KEYS, MFA_ISSUER, MFA_REQUIRED_FOR_ADMIN, MFA_MAX_CONSECUTIVE_FAILURES, MFA_FAILURE_WINDOW. */
export function readMfaConfig(read: EnvReader): MfaSettings {
  // Read first: its problem is listed before the keys' (the order operators have seen so far).
  const requiredForAdmin = read.boolean('MFA_REQUIRED_FOR_ADMIN', false);
  const encryptionKey = key('MFA_ENCRYPTION_KEY', read.text('MFA_ENCRYPTION_KEY'), read.problems);
  const previousKeys = (read.text('MFA_PREVIOUS_ENCRYPTION_KEYS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
    .map((k) => key('MFA_PREVIOUS_ENCRYPTION_KEYS', k, read.problems))
    .filter((k): k is Buffer => k !== undefined);
  const issuer = read.text('MFA_ISSUER') ?? 'tollgate';
  // The issuer is the label's prefix in the otpauth URI, which a colon would split.
  if (!ISSUER.test(issuer)) read.problems.push(`MFA_ISSUER must be 1 to 64 characters without ":" or control characters (got "${issuer}")`);
  const maxConsecutiveFailures = read.integer('MFA_MAX_CONSECUTIVE_FAILURES', 100, 1, 100);
  const failureWindow = read.integer('MFA_FAILURE_WINDOW', 86400, 60, 2_592_000);
  return { mfa: { encryptionKey, previousKeys, issuer, requiredForAdmin, maxConsecutiveFailures, failureWindow } };
}

function key(name: string, raw: string | undefined, problems: string[]): Buffer | undefined {
  if (raw === undefined) return undefined;
  const bytes = Buffer.from(raw, 'base64');
  // The value itself is a secret: never echoed into a problem line.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || bytes.length !== KEY_BYTES) {
    problems.push(`${name} must be ${KEY_BYTES} bytes in base64 (e.g. openssl rand -base64 32)`);
    return undefined;
  }
  return bytes;
}
