import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './password-input';

/**
 * NIST SP 800-63B §3.1.1.2: new passwords on a list of commonly used or breached values are refused.
 * The list is the ~49,000 passwords `@zxcvbn-ts/language-common` ships (MIT licence), all lower-case:
 * built into a Set once, when this module is first loaded (at startup), so a lookup is one hash
 * probe; it stays in memory and is never sent anywhere. Static data, not a dependency to inject.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * Compared as hashed (NFKC) and ignoring case: "Password123" and "ＰＡＳＳＷＯＲＤ123" are as common as
 * "password123". For the lookup only (the stored hash keeps every character the user typed), what a
 * guesser would not tell apart goes too: whitespace around the password (a space, a no-break space),
 * runs of whitespace inside it, invisible code points (zero-width space, joiner, soft hyphen) and
 * combining marks (so accents too: "ïloveyou" is "iloveyou" to a guesser). Otherwise "password123 " or "pass\u200bword123" would pass the list.
 */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(lookupForm(password));
}

function lookupForm(password: string): string {
  return (
    normalizePassword(password)
      .toLowerCase()
      // Decomposed, so that a mark NFKC composed onto a letter ("i" + U+0308 → "ï") is dropped too.
      .normalize('NFKD')
      .replace(/[\p{Default_Ignorable_Code_Point}\p{M}]/gu, '')
      .trim()
      .replace(/\s+/gu, ' ')
  );
}
