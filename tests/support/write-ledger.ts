/**
 * Clients that keep registering users against some instances and record every answer: a 2xx is an
 * acknowledged write that must still be in the database afterwards, whatever happened meanwhile.
 */
export interface Outcome {
  readonly at: number;
  readonly instance: number;
  /** 0 when no HTTP answer came (connection refused or reset, or no answer within the bound). */
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code: string | undefined;
  readonly error?: string;
}

export interface WriteLoad {
  readonly outcomes: Outcome[];
  /** Usernames whose registration was answered 201. */
  readonly acknowledged: string[];
  stop(): Promise<void>;
}

const ANSWER_BOUND_MS = 20_000;
const PAUSE_MS = 10;

export function startWriteLoad(urls: readonly string[], clients: number, prefix: string): WriteLoad {
  const outcomes: Outcome[] = [];
  const acknowledged: string[] = [];
  let running = true;
  let counter = 0;
  const client = async (index: number) => {
    const instance = index % urls.length;
    while (running) {
      counter += 1;
      const username = `${prefix}${counter}`;
      outcomes.push(await register(urls[instance] ?? '', instance, username));
      if (outcomes.at(-1)?.status === 201) acknowledged.push(username);
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  return {
    outcomes,
    acknowledged,
    async stop() {
      running = false;
      await done;
    },
  };
}

async function register(url: string, instance: number, username: string): Promise<Outcome> {
  const body = JSON.stringify({ username, email: `${username}@example.com`, password: `password-of-${username}` });
  try {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
    const text = await response.text();
    const code = response.status >= 400 ? ((JSON.parse(text) as { code?: string }).code ?? undefined) : undefined;
    return { at: Date.now(), instance, status: response.status, retryAfter: response.headers.get('retry-after'), code };
  } catch (error) {
    return { at: Date.now(), instance, status: 0, retryAfter: null, code: undefined, error: String(error) };
  }
}

/** Every answer that is neither a 2xx nor the promised 503 database_unavailable with Retry-After. */
export function brokenPromises(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter(
    (o) => !(o.status === 201 || (o.status === 503 && o.code === 'database_unavailable' && o.retryAfter !== null)),
  );
}

/** Milliseconds from `since` to each instance's first 201 after it (Infinity when none came). */
export function firstSuccessAfter(outcomes: readonly Outcome[], instances: number, since: number): number[] {
  return Array.from({ length: instances }, (_, instance) => {
    const first = outcomes.find((o) => o.instance === instance && o.status === 201 && o.at > since);
    return first ? first.at - since : Infinity;
  });
}
