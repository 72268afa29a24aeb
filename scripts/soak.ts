/**
 * Sustained mixed load against the built server: `npm run soak` (SOAK_SECONDS, SOAK_USERS,
 * SOAK_BCRYPT_COST to change the defaults). Passes with 0 5xx, 0 connection errors and RSS growth
 * under 10 % between the first and the last 10 seconds; prints the figures either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { components } from '../generated/api';
import { LOAD_FROM_ONE_IP, startServerProcess, type ServerProcess } from './support/server-process';

type TokenResponse = components['schemas']['TokenResponse'];

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const USERS = Number(process.env.SOAK_USERS ?? 32);
const BCRYPT_COST = process.env.SOAK_BCRYPT_COST ?? '10';
const WINDOW_SECONDS = 10;
const MAX_RSS_GROWTH = 0.1;

interface Tally {
  ok: number;
  clientErrors: number;
  serverErrors: number;
  connectionErrors: number;
  latenciesMs: number[];
}

const tallies = new Map<string, Tally>();

function tallyOf(name: string): Tally {
  let tally = tallies.get(name);
  if (!tally)
    tallies.set(name, (tally = { ok: 0, clientErrors: 0, serverErrors: 0, connectionErrors: 0, latenciesMs: [] }));
  return tally;
}

interface Answer {
  ok: boolean;
  text: string;
}

async function call(name: string, url: string, init: RequestInit = {}): Promise<Answer | undefined> {
  const tally = tallyOf(name);
  const started = performance.now();
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    tally.latenciesMs.push(performance.now() - started);
    if (response.status >= 500) tally.serverErrors += 1;
    else if (response.status >= 400) tally.clientErrors += 1;
    else tally.ok += 1;
    return { ok: response.ok, text };
  } catch {
    tally.connectionErrors += 1;
    return undefined;
  }
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const json = (method: string, token: string, body?: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  ...(body !== undefined && { body: JSON.stringify(body) }),
});

function tokensOf(answer: Answer | undefined): TokenResponse | undefined {
  if (!answer?.ok) return undefined;
  return JSON.parse(answer.text) as TokenResponse;
}

/** One person: register, log in, use the API with refreshes in between, log out; again, as a new person. */
async function virtualUser(server: ServerProcess, id: number, until: number): Promise<void> {
  for (let cycle = 0; Date.now() < until; cycle += 1) {
    const username = `soak${id}_${cycle}_${process.pid}`;
    const password = `password-${id}-${cycle}`;
    await call('POST /users', `${server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.com`, password }),
    });
    let tokens = tokensOf(
      await call('POST /token (password)', `${server.url}/token`, form({ grant_type: 'password', username, password })),
    );
    for (let i = 0; tokens && i < 20 && Date.now() < until; i += 1) {
      await call('GET /users/me', `${server.url}/users/me`, json('GET', tokens.access_token));
      await call('POST /todos', `${server.url}/todos`, json('POST', tokens.access_token, { title: `todo ${i}` }));
      await call('GET /todos', `${server.url}/todos?limit=20`, json('GET', tokens.access_token));
      if (i % 5 === 4)
        tokens = tokensOf(
          await call(
            'POST /token (refresh)',
            `${server.url}/token`,
            form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }),
          ),
        );
    }
    if (tokens)
      await call('POST /token/revoke', `${server.url}/token/revoke`, form({ token: tokens.refresh_token ?? '' }));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-soak-'));
  const server = await startServerProcess({
    DATABASE_URL: `sqlite:${path.join(dir, 'soak.db')}`,
    BCRYPT_COST,
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'soak-secret-soak-secret-soak-secret-0123',
    ...LOAD_FROM_ONE_IP,
  });
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(server.rssBytes() ?? 0), 1000);
  const started = Date.now();
  await Promise.all(Array.from({ length: USERS }, (_, id) => virtualUser(server, id, started + SECONDS * 1000)));
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await server.stop();
  rmSync(dir, { recursive: true, force: true });

  console.log(`soak: ${SECONDS} s, ${USERS} concurrent users, bcrypt cost ${BCRYPT_COST}, node ${process.version}`);
  console.log('operation                 requests    req/s    p50 ms   p99 ms   4xx   5xx   conn.err');
  let serverErrors = 0;
  let connectionErrors = 0;
  for (const [name, t] of tallies) {
    const sorted = [...t.latenciesMs].sort((a, b) => a - b);
    const total = t.ok + t.clientErrors + t.serverErrors;
    serverErrors += t.serverErrors;
    connectionErrors += t.connectionErrors;
    console.log(
      `${name.padEnd(24)} ${String(total).padStart(9)} ${(total / elapsed).toFixed(0).padStart(8)} ${percentile(sorted, 50).toFixed(1).padStart(9)} ${percentile(sorted, 99).toFixed(1).padStart(8)} ${String(t.clientErrors).padStart(5)} ${String(t.serverErrors).padStart(5)} ${String(t.connectionErrors).padStart(10)}`,
    );
  }
  const first = average(rss.slice(0, WINDOW_SECONDS));
  const last = average(rss.slice(-WINDOW_SECONDS));
  const growth = (last - first) / first;
  console.log(
    `RSS: first ${WINDOW_SECONDS} s ${(first / 2 ** 20).toFixed(1)} MB, last ${WINDOW_SECONDS} s ${(last / 2 ** 20).toFixed(1)} MB, growth ${(growth * 100).toFixed(1)} %`,
  );
  const passed = serverErrors === 0 && connectionErrors === 0 && growth < MAX_RSS_GROWTH;
  console.log(
    `soak ${passed ? 'passed' : 'FAILED'}: ${serverErrors} 5xx, ${connectionErrors} connection errors, RSS growth ${(growth * 100).toFixed(1)} % (limit ${MAX_RSS_GROWTH * 100} %)`,
  );
  process.exitCode = passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
