import type { EnvReader } from './env-reader';

export type ResponseValidationMode = 'strict' | 'log' | 'off';

/** How the running service reports on itself: logs, the response contract check, /metrics. */
export interface OperationsConfig {
  readonly production: boolean;
  readonly logLevel: string;
  readonly responseValidation: ResponseValidationMode;
  /** Bearer token that unlocks GET /metrics; without one, /metrics is open outside production and absent in it. */
  readonly metricsToken: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_METRICS_TOKEN_LENGTH = 16;

export function readOperationsConfig(read: EnvReader, production: boolean): OperationsConfig {
  const metricsToken = read.text('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < MIN_METRICS_TOKEN_LENGTH) {
    read.problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  return {
    production,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    // Off in production: every test runs strict, and checking each response cost 20 % of the
    // instructions of GET /todos (a page of 20) and about 3 % of GET /users/me (npm run bench:instructions).
    responseValidation: read.oneOf(
      'RESPONSE_VALIDATION',
      ['strict', 'log', 'off'] as const,
      production ? 'off' : 'strict',
    ),
    metricsToken,
  };
}
