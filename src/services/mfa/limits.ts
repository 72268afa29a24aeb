import { audit } from '../../audit';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { withMail } from '../mail-transaction';
import { admit, forget, reset, type Limit } from '../throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics' | 'outbox'>;

export type SecondFactorAdmission =
  | {
      outcome: 'admitted';
      succeeded(): Promise<void>;
      /** The code was never judged (the mfa_token was spent by a concurrent request): no guess, nothing counted. */
      notJudged(): Promise<void>;
    }
  | { outcome: 'throttled'; retryAfter: number };

/**
 * Where a code is sent: at the grants (`login`) or at the authenticated /users/me/mfa/* operations
 * (`account`). Each has its own per-account count: wrong codes sent with a bare access token must
 * not lock the owner out of logging in (a day-long denial of service for whoever holds a token).
 */
export type SecondFactorPlace = 'login' | 'account';

/**
 * Wrong authenticator or recovery codes count like failed logins (the same LOGIN_MAX_FAILURES per
 * user and IP, LOGIN_MAX_FAILURES_PER_IP per IP, over LOGIN_FAILURE_WINDOW), on counters of their
 * own: a right password clears the password counter, and must not clear this one, or someone who
 * knows the password could log in again after every few guesses and guess codes without end.
 * Those counters are per address, so a guesser with many addresses is also capped per account:
 * MFA_MAX_CONSECUTIVE_FAILURES wrong codes (NIST 800-63B §5.2.2) from anywhere within
 * MFA_FAILURE_WINDOW, cleared by a right code, separately for each place. Tripping it tells the
 * owner, once per trip.
 */
export async function admitSecondFactor(
  deps: Deps,
  user: UserRow,
  clientIp: string,
  place: SecondFactorPlace,
): Promise<SecondFactorAdmission> {
  const { loginMaxFailures, loginMaxFailuresPerIp, loginFailureWindow: windowSeconds } = deps.config;
  const perAccount = accountLimit(deps, user.id, place);
  const account = await admit(deps, [perAccount]);
  if (!account.admitted) {
    await tellOwnerOnce(deps, user, account.retryAfter, place);
    return { outcome: 'throttled', retryAfter: account.retryAfter };
  }
  const perUser: Limit = {
    subject: ['second_factor', String(user.id), clientIp],
    max: loginMaxFailures,
    windowSeconds,
  };
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
      await reset(deps, lockoutNotice(deps, user.id, place));
      await forget(deps, admission.eventIds);
    },
    async notJudged() {
      await forget(deps, [...account.eventIds, ...admission.eventIds]);
    },
  };
}

/**
 * A completed password reset or an admin's MFA reset is the way back in for a locked-out owner: it
 * starts every per-account count (and its notice) afresh.
 */
export async function clearSecondFactorFailures(deps: Deps, userId: number): Promise<void> {
  for (const place of ['login', 'account'] as const) {
    await reset(deps, accountLimit(deps, userId, place));
    await reset(deps, lockoutNotice(deps, userId, place));
  }
}

function accountLimit(deps: Pick<Deps, 'config'>, userId: number, place: SecondFactorPlace): Limit {
  const { maxConsecutiveFailures, failureWindow } = deps.config.mfa;
  // The login count keeps the key it always had, so a deploy does not forget a trip in progress.
  const subject =
    place === 'login' ? ['second_factor_account', String(userId)] : ['second_factor_account_settings', String(userId)];
  return { subject, max: maxConsecutiveFailures, windowSeconds: failureWindow };
}

/** One notice per trip: a second refusal within the window (the guesser keeps trying) mails nothing more. */
function lockoutNotice(deps: Pick<Deps, 'config'>, userId: number, place: SecondFactorPlace): Limit {
  const subject =
    place === 'login'
      ? ['second_factor_lockout_notice', String(userId)]
      : ['second_factor_lockout_notice_settings', String(userId)];
  return { subject, max: 1, windowSeconds: deps.config.mfa.failureWindow };
}

async function tellOwnerOnce(deps: Deps, user: UserRow, retryAfter: number, place: SecondFactorPlace): Promise<void> {
  const notice = await admit(deps, [lockoutNotice(deps, user.id, place)]);
  if (!notice.admitted) return;
  audit(deps.logger, 'mfa_account_locked', { user_id: user.id, retry_after: retryAfter, place });
  await withMail(deps, (_trx, queue) =>
    queue(user.email, { kind: 'mfa_locked', failures: deps.config.mfa.maxConsecutiveFailures }),
  );
}
