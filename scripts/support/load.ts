import autocannon from 'autocannon';

interface Load {
  readonly url: string;
  readonly connections: number;
  /** Builds each request; called once per request with state kept per connection. */
  readonly request?: autocannon.Request;
}

/** A run of a fixed length, or of a fixed number of requests (for counts per request). */
export type LoadOptions = Load & ({ readonly seconds: number } | { readonly amount: number });

export interface LoadFigures {
  readonly requestsPerSecond: number;
  /** Requests answered in the run. */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  readonly errors: number;
}

/** One autocannon run; a warm-up is simply a run whose figures are thrown away. */
export async function load(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...('amount' in options ? { amount: options.amount } : { duration: options.seconds }),
    // Logins queue behind the hashing pool: a slow answer is a figure, not a connection error.
    timeout: 30,
    ...(options.request && { requests: [options.request] }),
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The same run preceded by a warm-up of `warmupSeconds` (JIT, caches, pools at full size). */
export async function warmedLoad(
  options: Load & { readonly seconds: number },
  warmupSeconds: number,
): Promise<LoadFigures> {
  if (warmupSeconds > 0) await load({ ...options, seconds: warmupSeconds });
  return load(options);
}
