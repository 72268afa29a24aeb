import { audit, type AdminActor } from '../../audit';
import type { UserRow } from '../../db/schema';
import {
  deleteSecondFactor,
  findTotp,
  markTotpConfirmed,
  replacePendingTotp,
  replaceRecoveryCodes,
  setMfaEnabled,
} from '../../repositories/mfa.repository';
import { hashRecoveryCode, newRecoveryCodes } from '../../security/mfa/recovery-codes';
import { seal } from '../../security/secret-box';
import { newTotpSecret, otpauthUri } from '../../security/mfa/totp';
import type { Dependencies } from '../../dependencies';
import { withMail } from '../mail-transaction';
import { acceptEitherCode, acceptTotpCode, secretContext } from './codes';
import { admitSecondFactor, clearSecondFactorFailures } from './limits';
import { endOtherSessionsOf } from '../sessions';
import { endAllSessionsOf } from '../session-endings';
import { findUserById } from '../../repositories/users.repository';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'mfaKeys' | 'metrics' | 'outbox'>;

/** Why a code was not taken: past the second-factor attempt limits, or wrong (which counts). */
export type CodeRefused =
  { readonly outcome: 'throttled'; readonly retryAfter: number } | { readonly outcome: 'wrong_code' };

export type Enrolment =
  | { readonly outcome: 'started'; readonly secret: string; readonly otpauth_uri: string }
  | { readonly outcome: 'already_enabled' }
  /** No MFA_ENCRYPTION_KEY is configured: nothing to seal the secret with. */
  | { readonly outcome: 'unavailable' };

export type Confirmation =
  { readonly outcome: 'enabled'; readonly recoveryCodes: string[] } | { readonly outcome: 'no_pending' } | CodeRefused;
export type Disabling = { readonly outcome: 'disabled' } | { readonly outcome: 'not_enabled' } | CodeRefused;
export type Regeneration =
  | { readonly outcome: 'regenerated'; readonly recoveryCodes: string[] }
  | { readonly outcome: 'not_enabled' }
  | CodeRefused;

const ALREADY_ENABLED = { outcome: 'already_enabled' } as const;
const NO_PENDING = { outcome: 'no_pending' } as const;
const NOT_ENABLED = { outcome: 'not_enabled' } as const;

/** A pending enrolment (replacing a pending one); the secret is sealed before it is stored. */
export async function startEnrolment(deps: Deps, user: UserRow): Promise<Enrolment> {
  if (user.mfa_enabled === 1) return ALREADY_ENABLED;
  const key = deps.mfaKeys.current;
  if (key === undefined) return { outcome: 'unavailable' };
  const secret = newTotpSecret();
  const stored = await replacePendingTotp(deps.db, {
    user_id: user.id,
    secret_sealed: seal(key, secret, secretContext(user.id)),
    key_id: key.id,
    created_at: deps.clock.now().toISOString(),
  });
  if (!stored) return ALREADY_ENABLED;
  audit(deps.logger, 'mfa_enrolment_started', { user_id: user.id });
  return { outcome: 'started', secret, otpauth_uri: otpauthUri(secret, deps.config.mfa.issuer, user.username) };
}

/**
 * The first right code turns the second factor on and yields the recovery codes, shown once. The
 * user's other sessions began with the password alone (perhaps someone else's login): they end;
 * `currentSessionId`, the session asking, lives on.
 */
export async function confirmEnrolment(
  deps: Deps,
  user: UserRow,
  code: string,
  clientIp: string,
  currentSessionId: string | undefined,
): Promise<Confirmation> {
  const pending = await findTotp(deps.db, user.id);
  if (!pending || pending.confirmed_at !== null) return NO_PENDING;
  const check = await checked(deps, user, clientIp, () => acceptTotpCode(deps, user.id, code, 'pending'));
  if (check.outcome !== 'accepted') return check;
  const codes = newRecoveryCodes();
  // markTotpConfirmed is the transaction's first write: when it changes nothing, nothing is written.
  const confirmed = await withMail(deps, async (trx, queue) => {
    if (!(await markTotpConfirmed(trx, user.id, deps.clock.now().toISOString()))) return false;
    await setMfaEnabled(trx, user.id, true);
    await replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode));
    await endOtherSessionsOf(trx, user.id, currentSessionId, deps.clock.now().toISOString());
    await queue(user.email, { kind: 'mfa_enabled' });
    return true;
  });
  if (!confirmed) return NO_PENDING;
  audit(deps.logger, 'mfa_enabled', { user_id: user.id });
  return { outcome: 'enabled', recoveryCodes: codes };
}

export async function disableSecondFactor(
  deps: Deps,
  user: UserRow,
  code: string,
  clientIp: string,
): Promise<Disabling> {
  if (user.mfa_enabled !== 1) return NOT_ENABLED;
  const check = await checked(deps, user, clientIp, () => acceptEitherCode(deps, user.id, code));
  if (check.outcome !== 'accepted') return check;
  await withMail(deps, async (trx, queue) => {
    await deleteSecondFactor(trx, user.id);
    await queue(user.email, { kind: 'mfa_disabled', by: 'user' });
  });
  audit(deps.logger, 'mfa_disabled', { user_id: user.id, method: check.value });
  return { outcome: 'disabled' };
}

export async function regenerateRecoveryCodes(
  deps: Deps,
  user: UserRow,
  code: string,
  clientIp: string,
): Promise<Regeneration> {
  if (user.mfa_enabled !== 1) return NOT_ENABLED;
  const check = await checked(deps, user, clientIp, () => acceptEitherCode(deps, user.id, code));
  if (check.outcome !== 'accepted') return check;
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute((trx) => replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode)));
  audit(deps.logger, 'mfa_recovery_codes_regenerated', { user_id: user.id, method: check.value });
  return { outcome: 'regenerated', recoveryCodes: codes };
}

/** A lost authenticator (DELETE /users/{id}/mfa): the second factor goes, and so does every session (whoever holds the phone is out). */
export async function resetSecondFactor(
  deps: Deps,
  actor: AdminActor,
  userId: number,
): Promise<{ readonly outcome: 'reset' } | { readonly outcome: 'not_found' }> {
  const found = await withMail(deps, async (trx, queue) => {
    const user = await findUserById(trx, userId);
    if (!user) return false;
    await deleteSecondFactor(trx, userId);
    await endAllSessionsOf(trx, userId, deps.clock.now().toISOString());
    // Told only when a second factor was on: a pending enrolment or none is nothing to report.
    if (user.mfa_enabled === 1) await queue(user.email, { kind: 'mfa_disabled', by: 'admin' });
    return true;
  });
  if (!found) return { outcome: 'not_found' };
  await clearSecondFactorFailures(deps, userId);
  audit(deps.logger, 'mfa_reset', { user_id: userId, ...actor });
  return { outcome: 'reset' };
}

/** Runs the code check under the second-factor attempt limits; a wrong code counts against them. */
async function checked<T>(
  deps: Deps,
  user: UserRow,
  clientIp: string,
  check: () => Promise<T | false | undefined>,
): Promise<{ outcome: 'accepted'; value: T } | CodeRefused> {
  const admission = await admitSecondFactor(deps, user, clientIp, 'account');
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'mfa_code_throttled', { user_id: user.id, retry_after: admission.retryAfter });
    return { outcome: 'throttled', retryAfter: admission.retryAfter };
  }
  const result = await check();
  if (result === false || result === undefined) {
    audit(deps.logger, 'mfa_code_failed', { user_id: user.id });
    return { outcome: 'wrong_code' };
  }
  await admission.succeeded();
  return { outcome: 'accepted', value: result };
}
