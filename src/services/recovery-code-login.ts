import type { UserRow } from '../db/schema';
import { withMail } from '../mail/mail-transaction';
import { countUnusedRecoveryCodes, spendRecoveryCode } from '../repositories/mfa.repository';
import { hashRecoveryCode, looksLikeRecoveryCode } from '../security/recovery-codes';
import type { Dependencies } from '../dependencies';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'metrics' | 'outbox'>;

/**
 * Spends a recovery code for a login and, in the same transaction, queues the notice to the
 * account (how many codes remain; never the code): a spent code and its mail exist together.
 */
export async function spendRecoveryCodeForLogin(deps: Deps, user: UserRow, code: string): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  return withMail(deps, async (trx, queue) => {
    if (!(await spendRecoveryCode(trx, user.id, hashRecoveryCode(code), deps.clock.now().toISOString()))) return false;
    await queue(user.email, { kind: 'recovery_code_used', remaining: await countUnusedRecoveryCodes(trx, user.id) });
    return true;
  });
}
