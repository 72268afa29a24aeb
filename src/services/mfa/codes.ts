import { findTotp, claimTotpStep, spendRecoveryCode } from '../../repositories/mfa.repository';
import type { MfaTotpRow } from '../../db/schema';
import { hashRecoveryCode, looksLikeRecoveryCode } from '../../security/mfa/recovery-codes';
import { open } from '../../security/secret-box';
import { acceptedStep } from '../../security/mfa/totp';
import type { Dependencies } from '../../dependencies';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'mfaKeys'>;

/** The AES-GCM context of a user's secret: a sealed secret copied onto another user's row does not open. */
export const secretContext = (userId: number): string => `tollgate:totp:${userId}`;

/**
 * True when `code` is valid now for the user's authenticator (confirmed, or pending when
 * `pending`) and its time step is later than any accepted before, which it then becomes: a code
 * is accepted once (RFC 6238 §5.2), and of concurrent submissions of it exactly one wins.
 */
export async function acceptTotpCode(deps: Deps, userId: number, code: string, which: 'confirmed' | 'pending' = 'confirmed'): Promise<boolean> {
  const row = await findTotp(deps.db, userId);
  if (!row || (row.confirmed_at === null) !== (which === 'pending')) return false;
  const step = acceptedStep(totpSecret(deps, row), code, deps.clock.now());
  return step !== undefined && (await claimTotpStep(deps.db, userId, step));
}

/** Spends an unused recovery code of the user; false for anything else. */
export async function acceptRecoveryCode(deps: Deps, userId: number, code: string): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  return spendRecoveryCode(deps.db, userId, hashRecoveryCode(code), deps.clock.now().toISOString());
}

/** A 6-digit code is an authenticator code; anything else is tried as a recovery code. */
export async function acceptEitherCode(deps: Deps, userId: number, code: string): Promise<'otp' | 'recovery_code' | undefined> {
  if (/^\d{6}$/.test(code)) return (await acceptTotpCode(deps, userId, code)) ? 'otp' : undefined;
  return (await acceptRecoveryCode(deps, userId, code)) ? 'recovery_code' : undefined;
}

function totpSecret(deps: Deps, row: MfaTotpRow): string {
  const key = deps.mfaKeys.byId(row.key_id);
  const secret = key && open(key, row.secret_sealed, secretContext(row.user_id));
  // Startup refuses to run without every key a row names (checkedMfaKeys in security/mfa/keys.ts): this is corruption, a 500.
  if (secret === undefined) throw new Error(`the TOTP secret of user ${row.user_id} cannot be opened with key ${row.key_id}`);
  return secret;
}
