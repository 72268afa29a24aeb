import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../../audit';
import type { UserRow } from '../../db/schema';
import {
  deleteExpiredChallenges,
  findChallengeByHash,
  insertChallenge,
  reserveChallengeAttempt,
  spendChallenge,
} from '../../repositories/mfa.repository';
import { findUserById } from '../../repositories/users.repository';
import { withMail } from '../mail-transaction';
import type { Dependencies } from '../../dependencies';
import { acceptTotpCode } from './codes';
import { spendRecoveryCodeForLogin } from './recovery-code-login';
import { admitSecondFactor } from './limits';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'mfaKeys' | 'metrics' | 'outbox'>;

const MFA_TOKEN_TTL_SECONDS = 300;
/** Wrong codes an mfa_token survives; the next wrong one kills it (the attempt limits also apply). */
export const MFA_TOKEN_MAX_FAILURES = 5;

export type SecondStep =
  { readonly method: 'otp'; readonly code: string } | { readonly method: 'recovery_code'; readonly code: string };

/** RFC 8176: a recovery code is a second factor, but no one-time password from a device (`otp`). */
const AMR = { otp: ['pwd', 'otp', 'mfa'], recovery_code: ['pwd', 'mfa'] } as const;

const hashMfaToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * The right password of a user with a second factor: no tokens, an mfa_token instead. It is bound
 * to the user, their token_version and the granted scope, and only its hash is stored. Returns the mfa_token.
 */
export async function issueMfaChallenge(deps: Deps, user: UserRow, scopes: readonly string[]): Promise<string> {
  const now = deps.clock.now();
  await deleteExpiredChallenges(deps.db, now.toISOString());
  const token = randomBytes(32).toString('base64url');
  const expires_at = new Date(now.getTime() + MFA_TOKEN_TTL_SECONDS * 1000).toISOString();
  await insertChallenge(deps.db, {
    token_hash: hashMfaToken(token),
    user_id: user.id,
    scope: scopes.join(' '),
    token_version: user.token_version,
    expires_at,
  });
  audit(deps.logger, 'mfa_challenge_issued', { user_id: user.id });
  return token;
}

/** An unknown, expired, spent or exhausted mfa_token and a wrong or used code are one outcome: `invalid`. */
export type MfaLogin =
  | {
      readonly outcome: 'completed';
      readonly user: UserRow;
      readonly scopes: string[];
      readonly amr: readonly string[];
    }
  | { readonly outcome: 'throttled'; readonly retryAfter: number }
  | { readonly outcome: 'invalid' };

const INVALID = { outcome: 'invalid' } as const;

/** The second step of a login: the mfa_token and a code. */
export async function completeMfaLogin(
  deps: Deps,
  mfaToken: string,
  step: SecondStep,
  clientIp: string,
): Promise<MfaLogin> {
  const now = deps.clock.now();
  const challenge = await findChallengeByHash(deps.db, hashMfaToken(mfaToken));
  if (
    !challenge ||
    challenge.used_at !== null ||
    challenge.failures >= MFA_TOKEN_MAX_FAILURES ||
    Date.parse(challenge.expires_at) <= now.getTime()
  ) {
    audit(deps.logger, 'mfa_login_failed', { user_id: challenge?.user_id, reason: 'unknown_token' });
    return INVALID;
  }
  const user = await findUserById(deps.db, challenge.user_id);
  // A password change, deactivation, role change or MFA reset since the password was checked ends the login.
  if (!user || user.is_active !== 1 || user.token_version !== challenge.token_version || user.mfa_enabled !== 1) {
    audit(deps.logger, 'mfa_login_failed', { user_id: challenge.user_id, reason: 'superseded' });
    return INVALID;
  }
  const admission = await admitSecondFactor(deps, user, clientIp, 'login');
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'mfa_code_throttled', { user_id: user.id, retry_after: admission.retryAfter });
    return { outcome: 'throttled', retryAfter: admission.retryAfter };
  }
  // Counted before the code is judged, atomically: concurrent wrong codes cannot slip past the limit.
  if (!(await reserveChallengeAttempt(deps.db, challenge.id, MFA_TOKEN_MAX_FAILURES))) {
    await admission.notJudged();
    audit(deps.logger, 'mfa_login_failed', { user_id: user.id, reason: 'unknown_token' });
    return INVALID;
  }
  const completion = await useChallenge(deps, challenge.id, user, step, now.toISOString());
  // Another request on this mfa_token won the race: this code was never looked at, so it is no guess.
  if (completion === 'spent') {
    await admission.notJudged();
    return INVALID;
  }
  if (completion === 'wrong_code') {
    audit(deps.logger, 'mfa_login_failed', { user_id: user.id, reason: 'wrong_code' });
    return INVALID;
  }
  await admission.succeeded();
  audit(deps.logger, 'mfa_login_succeeded', { user_id: user.id, method: step.method });
  return {
    outcome: 'completed',
    user,
    scopes: challenge.scope === '' ? [] : challenge.scope.split(' '),
    amr: AMR[step.method],
  };
}

/** Thrown inside the transaction to roll the challenge's use back when the code was wrong. */
class WrongCode extends Error {}

/**
 * Uses the mfa_token up and accepts the code in ONE transaction, the token first: a conditional
 * UPDATE, so of concurrent requests on one mfa_token (four right recovery codes at once) one wins
 * and the others, on PostgreSQL waiting on its row lock, find it used and spend nothing, mail nothing.
 * A wrong code rolls the use back, so the token stays for the next try (up to its limit, counted
 * before this runs by reserveChallengeAttempt).
 */
async function useChallenge(
  deps: Deps,
  challengeId: number,
  user: UserRow,
  step: SecondStep,
  at: string,
): Promise<'completed' | 'wrong_code' | 'spent'> {
  try {
    return await withMail(deps, async (trx, queue) => {
      if (!(await spendChallenge(trx, challengeId, at))) return 'spent';
      const accepted =
        step.method === 'otp'
          ? await acceptTotpCode({ ...deps, db: trx }, user.id, step.code)
          : await spendRecoveryCodeForLogin(trx, queue, user, step.code, at);
      if (!accepted) throw new WrongCode();
      return 'completed';
    });
  } catch (error) {
    if (error instanceof WrongCode) return 'wrong_code';
    throw error;
  }
}
