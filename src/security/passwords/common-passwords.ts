import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './password-input';

/**
 * NIST SP 800-63B §3.1.1.2: new passwords on a list of commonly used or breached values are refused.
 * The list is the ~49,000 passwords `@zxcvbn-ts/language-common` ships (MIT licence), all lower-case:
 * built into a Set once, when this module is first loaded (at startup), so a lookup is one hash
 * probe; it stays in memory and is never sent anywhere. Static data, not a dependency to inject.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/** Compared as hashed (NFKC) and ignoring case: "Password123" and "ＰＡＳＳＷＯＲＤ123" are as common as "password123". */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(normalizePassword(password).toLowerCase());
}
