import type { Env, MfaConfig } from './config';

const KEY_BYTES = 32;
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const ISSUER = /^[^:\u0000-\u001F\u007F]{1,64}$/;

/** MFA_ENCRYPTION_KEY and friends; problems are added to config.ts's list, one line each. */
export function loadMfaConfig(env: Env, requiredForAdmin: boolean, problems: string[]): MfaConfig {
  const encryptionKey = key('MFA_ENCRYPTION_KEY', env.MFA_ENCRYPTION_KEY, problems);
  const previousKeys = (env.MFA_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
    .map((k) => key('MFA_PREVIOUS_ENCRYPTION_KEYS', k, problems))
    .filter((k): k is Buffer => k !== undefined);
  const issuer = env.MFA_ISSUER || 'tollgate';
  // The issuer is the label's prefix in the otpauth URI, which a colon would split.
  if (!ISSUER.test(issuer)) problems.push(`MFA_ISSUER must be 1 to 64 characters without ":" or control characters (got "${issuer}")`);
  return { encryptionKey, previousKeys, issuer, requiredForAdmin };
}

function key(name: string, raw: string | undefined, problems: string[]): Buffer | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bytes = Buffer.from(raw, 'base64');
  // The value itself is a secret: never echoed into a problem line.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || bytes.length !== KEY_BYTES) {
    problems.push(`${name} must be ${KEY_BYTES} bytes in base64 (e.g. openssl rand -base64 32)`);
    return undefined;
  }
  return bytes;
}
