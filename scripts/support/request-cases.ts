/** The requests the per-request counters (`bench:instructions`, `bench:allocations`) measure, and the one user they run as. */
import path from 'node:path';
import type { components } from '../../generated/api';
import { seed, send, type SeededUser } from './bench-seed';
import { LOAD_FROM_ONE_IP, MAIL_FOR_LOAD } from './server-process';

type TodoPage = components['schemas']['TodoPage'];
type Todo = components['schemas']['Todo'];

export interface RequestCase {
  readonly name: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
}

export const HELLO_CASE: RequestCase = { name: 'bare Koa hello', path: '/' };

/** The token of the first of the users signed up, and the cases to run with it. */
export interface SignedUp {
  readonly token: string;
  readonly cases: readonly RequestCase[];
}

/**
 * Signs `users` users up, 20 todos each, and names the cases, keeping those in `only` (all when it
 * is undefined). Signing up many at once is a burst of slow requests (each waits for the hash pool),
 * which is what a server has been through before it serves fast ones.
 */
export async function signUp(url: string, only: readonly string[] | undefined, users = 1): Promise<SignedUp> {
  const seeded = await seed(url, users, 20, 0);
  const token = (seeded.users[0] as SeededUser).accessToken;
  const page = (await (
    await send(`${url}/todos?limit=1`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as TodoPage;
  const cases: RequestCase[] = [
    { name: 'GET /users/me', path: '/users/me' },
    { name: 'GET /todos (20)', path: '/todos?limit=20' },
    { name: 'GET /todos/{id}', path: `/todos/${(page.items[0] as Todo).id}` },
    { name: 'POST /todos', path: '/todos', method: 'POST', body: JSON.stringify({ title: 'counted' }) },
  ];
  return { token, cases: cases.filter((c) => !only || only.includes(c.name)) };
}

/** The headers a case's request carries. */
export function caseHeaders(request: RequestCase, token: string | undefined): Record<string, string> {
  return {
    ...(token && { authorization: `Bearer ${token}` }),
    ...(request.body && { 'content-type': 'application/json' }),
  };
}

/** The server the counters measure: production settings on a fresh SQLite file in `dataDir`. */
export function countedServerEnv(dataDir: string): Record<string, string> {
  return {
    ...LOAD_FROM_ONE_IP,
    ...MAIL_FOR_LOAD,
    NODE_ENV: 'production',
    PUBLIC_URL: 'http://127.0.0.1',
    DATABASE_URL: `sqlite:${path.join(dataDir, 'counted.db')}`,
    BCRYPT_COST: '4',
    JWT_SECRET: 'counted-secret-counted-secret-counted-0123',
    // Under valgrind on a busy machine a run can outlast the default 15 minutes of the one token it uses.
    ACCESS_TOKEN_TTL: '86400',
    // Under valgrind the server's event loop can stall for seconds; when it wakes, its timers run
    // before its I/O, so an idle connection's keep-alive timeout could end a connection the client
    // has just reused (ECONNRESET). The harness reuses connections the server must keep.
    KEEP_ALIVE_TIMEOUT: '3600',
  };
}
