import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createMailMetrics, type MailMetrics } from './mail-metrics';

/** What the app reports to Prometheus; one instance per process, passed in like every service. */
export interface Metrics {
  readonly registry: Registry;
  /** One finished API request; operationId is the spec's, so the label set stays small. */
  requestFinished(operationId: string, status: number, seconds: number): void;
  /** A login's answer, by grant (`password`, `passkey`): `success`, an RFC 6749 error code, or `error` (unexpected). */
  loginFinished(grant: string, outcome: string): void;
  /** A client credentials grant's token, by client_id (registered clients only: a bounded label). */
  clientTokenIssued(clientId: string): void;
  /** A refused client authentication, by client_id (`unknown` for a client_id naming no client) and reason. */
  clientAuthenticationFailed(clientId: string | undefined, reason: string): void;
  /** A rotated refresh token came back outside its grace window: its family was revoked. */
  refreshReuseDetected(): void;
  /** Time a password task waited for a free hashing thread. */
  hashWaited(seconds: number): void;
  /** One password comparison: a bcrypt cost, or `argon2` for an imported hash (how much work a login did, whoever it was for). */
  passwordCompared(cost: number | string): void;
  /** Reports the hashing pool's queue depth whenever /metrics is scraped. */
  watchHashQueue(depth: () => number): void;
  /** A database failure by kind (src/db/unavailable.ts): a broken connection, a timeout, a full disk… */
  databaseError(kind: string): void;
  /** Time a query waited for a pooled PostgreSQL connection. */
  connectionWaited(seconds: number): void;
  /** Reports requests waiting for a pooled connection whenever /metrics is scraped. */
  watchDatabasePool(waiting: () => number): void;
  /** The mail outbox: queued, sent, failed, depth and oldest pending age. */
  readonly mail: MailMetrics;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HASH_WAIT_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'API request duration by operationId and HTTP status.',
    labelNames: ['operation_id', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const logins = new Counter({
    name: 'tollgate_login_attempts_total',
    help: 'Logins (password and passkey grants) by grant and outcome.',
    labelNames: ['grant', 'outcome'] as const,
    registers: [registry],
  });
  const reuses = new Counter({
    name: 'tollgate_refresh_token_reuse_detected_total',
    help: 'Refresh tokens replayed after rotation; each revoked its family.',
    registers: [registry],
  });
  const hashWait = new Histogram({
    name: 'tollgate_password_hash_wait_seconds',
    help: 'Time a password hash or compare waited for a free hashing thread.',
    buckets: HASH_WAIT_BUCKETS,
    registers: [registry],
  });
  const comparisons = new Counter({
    name: 'tollgate_password_comparisons_total',
    help: 'Password comparisons by bcrypt cost (argon2: imported Argon2 hashes).',
    labelNames: ['cost'] as const,
    registers: [registry],
  });
  let queueDepth: () => number = () => 0;
  new Gauge({
    name: 'tollgate_password_hash_queue_depth',
    help: 'Password tasks waiting for a hashing thread.',
    registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });

  const database = databaseMetrics(registry);
  return {
    registry,
    ...database,
    ...clientMetrics(registry),
    requestFinished: (operationId, status, seconds) =>
      requestDuration.observe({ operation_id: operationId, status: String(status) }, seconds),
    loginFinished: (grant, outcome) => logins.inc({ grant, outcome }),
    refreshReuseDetected: () => reuses.inc(),
    hashWaited: (seconds) => hashWait.observe(seconds),
    passwordCompared: (cost) => comparisons.inc({ cost: String(cost) }),
    watchHashQueue: (depth) => {
      queueDepth = depth;
    },
    mail: createMailMetrics(registry),
  };
}

/**
 * Labelled by client_id: only registered clients' ids become label values, so the series are
 * bounded by the registry. An unknown client_id, which anyone can make up, is the fixed `unknown`.
 */
function clientMetrics(registry: Registry): Pick<Metrics, 'clientTokenIssued' | 'clientAuthenticationFailed'> {
  const issued = new Counter({
    name: 'tollgate_client_tokens_issued_total',
    help: 'Access tokens issued to clients for themselves (client credentials grant), by client_id.',
    labelNames: ['client_id'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tollgate_client_authentication_failures_total',
    help: 'Refused client authentications by client_id (unknown: no such client) and reason.',
    labelNames: ['client_id', 'reason'] as const,
    registers: [registry],
  });
  return {
    clientTokenIssued: (clientId) => issued.inc({ client_id: clientId }),
    clientAuthenticationFailed: (clientId, reason) => failures.inc({ client_id: clientId ?? 'unknown', reason }),
  };
}

function databaseMetrics(
  registry: Registry,
): Pick<Metrics, 'databaseError' | 'connectionWaited' | 'watchDatabasePool'> {
  const errors = new Counter({
    name: 'tollgate_database_errors_total',
    help: 'Database failures by kind (connection, timeout, lock_timeout, disk_full, busy, …).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'tollgate_database_connection_wait_seconds',
    help: 'Time a query waited for a pooled database connection.',
    buckets: HASH_WAIT_BUCKETS,
    registers: [registry],
  });
  let waiting: () => number = () => 0;
  new Gauge({
    name: 'tollgate_database_pool_waiting',
    help: 'Queries waiting for a pooled database connection.',
    registers: [registry],
    collect() {
      this.set(waiting());
    },
  });
  return {
    databaseError: (kind) => errors.inc({ kind }),
    connectionWaited: (seconds) => wait.observe(seconds),
    watchDatabasePool: (fn) => {
      waiting = fn;
    },
  };
}
