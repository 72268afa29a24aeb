import type { EnvReader } from './env-reader';

export interface ThrottlingConfig {
  /** Failed password grants allowed per username and client IP within `loginFailureWindow`. */
  readonly loginMaxFailures: number;
  readonly loginMaxFailuresPerIp: number;
  /** Seconds; a sliding window. */
  readonly loginFailureWindow: number;
  readonly registrationMaxPerIp: number;
  readonly registrationWindow: number;
  /** Failed client authentications allowed per client_id and client IP within `clientAuthFailureWindow`. */
  readonly clientAuthMaxFailures: number;
  /** Seconds; a sliding window. */
  readonly clientAuthFailureWindow: number;
}

export function readThrottlingConfig(read: EnvReader): ThrottlingConfig {
  return {
    loginMaxFailures: read.integer('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginMaxFailuresPerIp: read.integer('LOGIN_MAX_FAILURES_PER_IP', 100, 1, 1_000_000),
    loginFailureWindow: read.integer('LOGIN_FAILURE_WINDOW', 900, 1, 86400),
    registrationMaxPerIp: read.integer('REGISTRATION_MAX_PER_IP', 20, 1, 1_000_000),
    registrationWindow: read.integer('REGISTRATION_WINDOW', 3600, 1, 86400),
    clientAuthMaxFailures: read.integer('CLIENT_AUTH_MAX_FAILURES', 10, 1, 1000),
    clientAuthFailureWindow: read.integer('CLIENT_AUTH_FAILURE_WINDOW', 900, 1, 86400),
  };
}
