import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/schema';
import type { QueueMail } from '../mail-transaction';
import { countUnusedRecoveryCodes, spendRecoveryCode } from '../../repositories/mfa.repository';
import { hashRecoveryCode, looksLikeRecoveryCode } from '../../security/mfa/recovery-codes';

/**
 * Spends a recovery code for a login inside the caller's transaction (the one that also uses up the
 * mfa_token) and queues the notice to the account there (how many codes remain; never the code):
 * a spent code, its login and its mail exist together or not at all.
 */
export async function spendRecoveryCodeForLogin(trx: Kysely<Database>, queue: QueueMail, user: UserRow, code: string, at: string): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  if (!(await spendRecoveryCode(trx, user.id, hashRecoveryCode(code), at))) return false;
  await queue(user.email, { kind: 'recovery_code_used', remaining: await countUnusedRecoveryCodes(trx, user.id) });
  return true;
}
