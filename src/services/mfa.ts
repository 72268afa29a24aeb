import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { deleteSecondFactor, findTotp, markTotpConfirmed, replacePendingTotp, replaceRecoveryCodes, setMfaEnabled } from '../repositories/mfa.repository';
import { hashRecoveryCode, newRecoveryCodes } from '../security/recovery-codes';
import { seal } from '../security/secret-box';
import { newTotpSecret, otpauthUri } from '../security/totp';
import type { Dependencies } from '../dependencies';
import { withMail } from '../mail/mail-transaction';
import { acceptEitherCode, acceptTotpCode, secretContext } from './second-factor';
import { admitSecondFactor } from './second-factor-limits';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'mfaKeys' | 'metrics' | 'outbox'>;

const alreadyEnabled = () => new ApiError(409, 'mfa_already_enabled', 'A TOTP authenticator is already enabled; disable it before enrolling another.');
const notEnabled = () => new ApiError(409, 'mfa_not_enabled', 'Two-factor authentication is not enabled.');
const noPending = () => new ApiError(409, 'mfa_not_enabled', 'There is no pending TOTP enrolment to confirm.');
const unavailable = () => new ApiError(503, 'mfa_unavailable', 'Two-factor enrolment is not configured on this server.');
const wrongCode = () =>
  new ApiError(400, 'invalid_otp', 'The code is wrong, expired or already used.', { errors: [{ location: 'body', field: 'code', message: 'is wrong, expired or already used' }] });

/** A pending enrolment (replacing a pending one); the secret is sealed before it is stored. */
export async function startEnrolment(deps: Deps, user: UserRow): Promise<{ secret: string; otpauth_uri: string }> {
  if (user.mfa_enabled === 1) throw alreadyEnabled();
  const key = deps.mfaKeys.current;
  if (key === undefined) throw unavailable();
  const secret = newTotpSecret();
  const stored = await replacePendingTotp(deps.db, {
    user_id: user.id,
    secret_sealed: seal(key, secret, secretContext(user.id)),
    key_id: key.id,
    created_at: deps.clock.now().toISOString(),
  });
  if (!stored) throw alreadyEnabled();
  audit(deps.logger, 'mfa_enrolment_started', { user_id: user.id });
  return { secret, otpauth_uri: otpauthUri(secret, deps.config.mfa.issuer, user.username) };
}

/** The first right code turns the second factor on and yields the recovery codes, shown once. */
export async function confirmEnrolment(deps: Deps, user: UserRow, code: string, clientIp: string): Promise<string[]> {
  const pending = await findTotp(deps.db, user.id);
  if (!pending || pending.confirmed_at !== null) throw noPending();
  await checked(deps, user, clientIp, () => acceptTotpCode(deps, user.id, code, 'pending'));
  const codes = newRecoveryCodes();
  await withMail(deps, async (trx, queue) => {
    if (!(await markTotpConfirmed(trx, user.id, deps.clock.now().toISOString()))) throw noPending();
    await setMfaEnabled(trx, user.id, true);
    await replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode));
    await queue(user.email, { kind: 'mfa_enabled' });
  });
  audit(deps.logger, 'mfa_enabled', { user_id: user.id });
  return codes;
}

export async function disableSecondFactor(deps: Deps, user: UserRow, code: string, clientIp: string): Promise<void> {
  if (user.mfa_enabled !== 1) throw notEnabled();
  const method = await checked(deps, user, clientIp, () => acceptEitherCode(deps, user.id, code));
  await withMail(deps, async (trx, queue) => {
    await deleteSecondFactor(trx, user.id);
    await queue(user.email, { kind: 'mfa_disabled', by: 'user' });
  });
  audit(deps.logger, 'mfa_disabled', { user_id: user.id, method });
}

export async function regenerateRecoveryCodes(deps: Deps, user: UserRow, code: string, clientIp: string): Promise<string[]> {
  if (user.mfa_enabled !== 1) throw notEnabled();
  const method = await checked(deps, user, clientIp, () => acceptEitherCode(deps, user.id, code));
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute((trx) => replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode)));
  audit(deps.logger, 'mfa_recovery_codes_regenerated', { user_id: user.id, method });
  return codes;
}

/** Runs the code check under the second-factor attempt limits; a wrong code is a 400 and counts. */
async function checked<T>(deps: Deps, user: UserRow, clientIp: string, check: () => Promise<T | false | undefined>): Promise<T> {
  const admission = await admitSecondFactor(deps, user.id, clientIp);
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'mfa_code_throttled', { user_id: user.id, retry_after: admission.retryAfter });
    throw new ApiError(429, 'too_many_requests', 'Too many wrong codes. Try again later.', { headers: { 'Retry-After': String(admission.retryAfter) } });
  }
  const result = await check();
  if (result === false || result === undefined) {
    audit(deps.logger, 'mfa_code_failed', { user_id: user.id });
    throw wrongCode();
  }
  await admission.succeeded();
  return result;
}
