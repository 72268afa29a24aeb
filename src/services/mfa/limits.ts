import { audit } from '../../audit';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { withMail } from '../mail-transaction';
import { admit, forget, reset, type Limit } from '../throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics' | 'outbox'>;

export type SecondFactorAdmission = { outcome: 'admitted'; succeeded(): Promise<void> } | { outcome: 'throttled'; retryAfter: number };

/**
 * Wrong authenticator or recovery codes count like failed logins (the same LOGIN_MAX_FAILURES per
 * user and IP, LOGIN_MAX_FAILURES_PER_IP per IP, over LOGIN_FAILURE_WINDOW), on counters of their
 * own: a right password clears the password counter, and must not clear this one, or someone who
 * knows the password could log in again after every few guesses and guess codes without end.
 * Those counters are per address, so a guesser with many addresses is also capped per account:
 * MFA_MAX_CONSECUTIVE_FAILURES wrong codes (NIST 800-63B §5.2.2) from anywhere within
 * MFA_FAILURE_WINDOW, cleared by a right code. Tripping it tells the owner, once per trip.
 */
export async function admitSecondFactor(deps: Deps, user: UserRow, clientIp: string): Promise<SecondFactorAdmission> {
  const { loginMaxFailures, loginMaxFailuresPerIp, loginFailureWindow: windowSeconds } = deps.config;
  const perAccount = accountLimit(deps, user.id);
  const account = await admit(deps, [perAccount]);
  if (!account.admitted) {
    await tellOwnerOnce(deps, user, account.retryAfter);
    return { outcome: 'throttled', retryAfter: account.retryAfter };
  }
  const perUser: Limit = { subject: ['second_factor', String(user.id), clientIp], max: loginMaxFailures, windowSeconds };
  const perIp: Limit = { subject: ['second_factor', clientIp], max: loginMaxFailuresPerIp, windowSeconds };
  const admission = await admit(deps, [perUser, perIp]);
  if (!admission.admitted) {
    // Refused before the code was looked at: no guess was made, so the account's count forgets it.
    await forget(deps, account.eventIds);
    return { outcome: 'throttled', retryAfter: admission.retryAfter };
  }
  return {
    outcome: 'admitted',
    async succeeded() {
      await reset(deps, perUser);
      await reset(deps, perAccount);
      await reset(deps, lockoutNotice(deps, user.id));
      await forget(deps, admission.eventIds);
    },
  };
}

function accountLimit(deps: Deps, userId: number): Limit {
  const { maxConsecutiveFailures, failureWindow } = deps.config.mfa;
  return { subject: ['second_factor_account', String(userId)], max: maxConsecutiveFailures, windowSeconds: failureWindow };
}

/** One notice per trip: a second refusal within the window (the guesser keeps trying) mails nothing more. */
function lockoutNotice(deps: Deps, userId: number): Limit {
  return { subject: ['second_factor_lockout_notice', String(userId)], max: 1, windowSeconds: deps.config.mfa.failureWindow };
}

async function tellOwnerOnce(deps: Deps, user: UserRow, retryAfter: number): Promise<void> {
  const notice = await admit(deps, [lockoutNotice(deps, user.id)]);
  if (!notice.admitted) return;
  audit(deps.logger, 'mfa_account_locked', { user_id: user.id, retry_after: retryAfter });
  await withMail(deps, (_trx, queue) => queue(user.email, { kind: 'mfa_locked', failures: deps.config.mfa.maxConsecutiveFailures }));
}
