import type { Dependencies } from '../dependencies';
import { admit, forget, reset, type Limit } from './throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config'>;

export type SecondFactorAdmission = { outcome: 'admitted'; succeeded(): Promise<void> } | { outcome: 'throttled'; retryAfter: number };

/**
 * Wrong authenticator or recovery codes count like failed logins (the same LOGIN_MAX_FAILURES per
 * user and IP, LOGIN_MAX_FAILURES_PER_IP per IP, over LOGIN_FAILURE_WINDOW), on counters of their
 * own: a right password clears the password counter, and must not clear this one, or someone who
 * knows the password could log in again after every few guesses and guess codes without end.
 */
export async function admitSecondFactor(deps: Deps, userId: number, clientIp: string): Promise<SecondFactorAdmission> {
  const { loginMaxFailures, loginMaxFailuresPerIp, loginFailureWindow: windowSeconds } = deps.config;
  const perUser: Limit = { subject: ['second_factor', String(userId), clientIp], max: loginMaxFailures, windowSeconds };
  const perIp: Limit = { subject: ['second_factor', clientIp], max: loginMaxFailuresPerIp, windowSeconds };
  const admission = await admit(deps, [perUser, perIp]);
  if (!admission.admitted) return { outcome: 'throttled', retryAfter: admission.retryAfter };
  return {
    outcome: 'admitted',
    async succeeded() {
      await reset(deps, perUser);
      await forget(deps, admission.eventIds);
    },
  };
}
