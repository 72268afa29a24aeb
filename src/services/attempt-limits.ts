import type { LoginLimitName } from '../audit';
import type { Config } from '../config';
import type { Dependencies } from '../dependencies';
import { admit, forget, reset, type Admission, type Limit } from './throttle';

export type { LoginLimitName };

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config'>;

interface LoginLimit extends Limit {
  readonly name: LoginLimitName;
}

export type LoginAdmission =
  | { outcome: 'admitted'; succeeded(): Promise<void> }
  | { outcome: 'throttled'; limit: LoginLimitName; retryAfter: number };

export type ClientAuthenticationAdmission =
  { outcome: 'admitted'; succeeded(): Promise<void> } | { outcome: 'throttled'; retryAfter: number };

export type RegistrationAdmission = { outcome: 'admitted' } | { outcome: 'throttled'; retryAfter: number };

/**
 * RFC 6749 §4.3.2: every password grant counts as a failure until it succeeds. Counted per
 * username and IP (one account guessed from one place) and per IP (many accounts from one place).
 * Usernames are compared as the users table does, case-insensitively.
 */
export async function admitLogin(deps: Deps, username: string, clientIp: string): Promise<LoginAdmission> {
  const [perUser, perIp] = loginLimits(deps.config, username.toLowerCase(), clientIp);
  const admission = await admit(deps, [perUser, perIp]);
  if (!admission.admitted)
    return { outcome: 'throttled', limit: admission.exceeded.name, retryAfter: admission.retryAfter };
  return {
    outcome: 'admitted',
    // The right password clears this username's count from this IP; for the IP it was simply not a failure.
    async succeeded() {
      await reset(deps, perUser);
      await forget(deps, admission.eventIds);
    },
  };
}

/**
 * A passkey sign-in counts as a password grant does: per client IP always, and per account and IP
 * when the credential names an account (its user handle); a failure is a failed login.
 */
export async function admitLoginOf(
  deps: Deps,
  username: string | undefined,
  clientIp: string,
): Promise<LoginAdmission> {
  if (username !== undefined) return admitLogin(deps, username, clientIp);
  const [, perIp] = loginLimits(deps.config, '', clientIp);
  const admission = await admit(deps, [perIp]);
  if (!admission.admitted)
    return { outcome: 'throttled', limit: admission.exceeded.name, retryAfter: admission.retryAfter };
  return { outcome: 'admitted', succeeded: () => forget(deps, admission.eventIds) };
}

/**
 * Client authentication (client secrets) counts as a password grant does, per client_id and client
 * IP: every attempt is a failure until it succeeds, and success clears the count.
 */
export async function admitClientAuthentication(
  deps: Deps,
  clientId: string,
  clientIp: string,
): Promise<ClientAuthenticationAdmission> {
  const limit: Limit = {
    subject: ['client_authentication', clientId, clientIp],
    max: deps.config.clientAuthMaxFailures,
    windowSeconds: deps.config.clientAuthFailureWindow,
  };
  const admission = await admit(deps, [limit]);
  if (!admission.admitted) return { outcome: 'throttled', retryAfter: admission.retryAfter };
  return { outcome: 'admitted', succeeded: () => reset(deps, limit) };
}

/** Every registration attempt counts, refused ones included: a 409 tells whether a name is taken. */
export async function admitRegistration(deps: Deps, clientIp: string): Promise<RegistrationAdmission> {
  return toRegistrationAdmission(await admit(deps, [emailProbesFromIp(deps.config, clientIp)]));
}

function emailProbesFromIp(config: Config, clientIp: string): Limit {
  return {
    subject: ['registration', clientIp],
    max: config.registrationMaxPerIp,
    windowSeconds: config.registrationWindow,
  };
}

function toRegistrationAdmission(admission: Admission<Limit>): RegistrationAdmission {
  return admission.admitted ? { outcome: 'admitted' } : { outcome: 'throttled', retryAfter: admission.retryAfter };
}

function loginLimits(config: Config, username: string, clientIp: string): [LoginLimit, LoginLimit] {
  const windowSeconds = config.loginFailureWindow;
  return [
    { name: 'username_ip', subject: ['login', username, clientIp], max: config.loginMaxFailures, windowSeconds },
    { name: 'ip', subject: ['login', clientIp], max: config.loginMaxFailuresPerIp, windowSeconds },
  ];
}
