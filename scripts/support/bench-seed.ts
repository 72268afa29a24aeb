/** Users, todos and sessions for the benchmark, made over HTTP like any client would. */

import type { components } from '../../generated/api';

export interface SeededUser {
  readonly username: string;
  readonly password: string;
  readonly accessToken: string;
}

export interface Seed {
  readonly users: readonly SeededUser[];
  /** Live refresh tokens, one session each; the refresh case rotates them in place. */
  readonly refreshTokens: string[];
}

type TokenAnswer = components['schemas']['TokenResponse'];

/** fetch that fails on any answer but 2xx, naming the request and the answer. */
export async function send(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`);
  return response;
}

export const passwordGrant = (username: string, password: string): string =>
  new URLSearchParams({ grant_type: 'password', username, password }).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function login(baseUrl: string, username: string, password: string): Promise<TokenAnswer> {
  const response = await send(`${baseUrl}/token`, {
    method: 'POST',
    headers: FORM,
    body: passwordGrant(username, password),
  });
  return (await response.json()) as TokenAnswer;
}

/** `users` users with `todosEach` todos, and `sessions` extra logins spread over them. Names are unique per run, so a reused PostgreSQL database works too. */
export async function seed(baseUrl: string, users: number, todosEach: number, sessions: number): Promise<Seed> {
  const run = `${Date.now().toString(36)}${process.pid}`;
  const seeded = await Promise.all(
    Array.from({ length: users }, async (_, i): Promise<SeededUser> => {
      const username = `bench_${run}_${i}`;
      const password = `bench-password-${i}`;
      await send(`${baseUrl}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, email: `${username}@example.com`, password }),
      });
      const { access_token: accessToken } = await login(baseUrl, username, password);
      const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
      for (let t = 0; t < todosEach; t += 1)
        await send(`${baseUrl}/todos`, { method: 'POST', headers, body: JSON.stringify({ title: `todo ${t}` }) });
      return { username, password, accessToken };
    }),
  );
  const refreshTokens = await Promise.all(
    Array.from({ length: sessions }, async (_, i) => {
      const user = seeded[i % seeded.length] as SeededUser;
      return (await login(baseUrl, user.username, user.password)).refresh_token ?? '';
    }),
  );
  return { users: seeded, refreshTokens };
}
