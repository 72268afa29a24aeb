import { scopesOfRole } from '../../src/security/scopes';
import { createClient } from '../../src/client';
import type { OperationId } from '../../src/http/openapi/operation-types';
import { issueAccountToken } from '../../src/services/account-tokens';
import { registerUser } from '../../src/services/registration';
import { getWithHost } from '../support/node-get';
import { checkResult, declaredOperations, responseBreaches } from '../support/contract';
import { startPrismProxy, type RunningPrism } from '../support/prism';
import { startTestApp, type TestApp } from '../support/test-app';
import { PASSKEY_ENV } from '../support/passkeys';
import { INVALID, PROXIED, type Setup } from './proxy-scenarios';

/**
 * The contract run: every operation, success and error paths, through `prism proxy --errors`, so
 * any request or response breaking openapi.yaml fails. Requests the contract forbids (Prism refuses
 * them itself) go straight to the server, whose answers the test app checks against the spec too.
 * At the end, each operation must have answered exactly the statuses it declares.
 * This is the contract's second opinion: every other suite checks responses with
 * src/http/openapi/response-validator.ts, the server's own validator (tests/support/contract.ts); Prism
 * validates with an implementation of its own, so a bug in ours cannot hide here.
 */
let app: TestApp;
let proxy: RunningPrism;
let counter = 0;
const observed = new Map<string, Set<number>>();
const declared = declaredOperations();
const operationIds = Object.keys(PROXIED) as OperationId[];

// 500 is declared everywhere and proven by tests/api/errors-and-logs.test.ts with an injected fault;
// 408 and 431 are answered before routing, on every path: tests/process/timeouts.test.ts and
// tests/http/client-errors.test.ts prove them; 503 (the database unavailable) by
// tests/process/postgres-faults.test.ts and sqlite-faults.test.ts, which restart, stop, lock and fill the database for real.
const NOT_EXERCISED_HERE = new Set([408, 431, 500, 503]);
// Needs a production server without MFA_ENCRYPTION_KEY: tests/api/mfa-limits.test.ts proves it.
const PROVEN_ELSEWHERE: Readonly<Record<string, readonly number[]>> = { startTotpEnrolment: [503] };

beforeAll(async () => {
  // Each throttling scenario counts from an X-Forwarded-For address of its own (see proxy-scenarios.ts).
  app = await startTestApp({ TRUST_PROXY: 'true', REGISTRATION_MAX_PER_IP: '5', ...PASSKEY_ENV });
  proxy = await startPrismProxy(app.url);
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await app?.close();
});

async function setUp(admin: boolean): Promise<Setup> {
  const make = async (role: 'user' | 'admin') => {
    counter += 1;
    const input = {
      username: `contract${counter}_${process.pid}`,
      email: `contract${counter}_${process.pid}@example.com`,
      password: `password-${counter}-long`,
    };
    const registration = await registerUser(app.server.services, input, role);
    if (registration.outcome !== 'registered') throw new Error(`${input.username} exists`);
    return { ...input, id: registration.user.id };
  };
  const user = await make(admin ? 'admin' : 'user');
  const other = await make('user');
  const loggedIn = async (scope?: string) => {
    const client = createClient({ baseUrl: proxy.url });
    const { data } = await client.login(user.username, user.password, scope);
    if (!data) throw new Error(`login through the proxy failed\n${proxy.output().slice(-2000)}`);
    return { client, token: data.access_token, refreshToken: data.refresh_token ?? '' };
  };
  // Every scope the role allows, OpenID Connect's too (the password grant leaves those out unless asked).
  const { client, token, refreshToken } = await loggedIn(scopesOfRole(admin ? 'admin' : 'user').join(' '));
  const todo = await client.POST('/todos', { body: { title: 'Buy milk' } });
  const newName = `fresh${counter}_${process.pid}`;
  // What the mails would carry (tests/api/password-reset.test.ts and email-verification.test.ts read them from real SMTP).
  const { db } = app.server.services;
  const resetToken = await issueAccountToken(db, 'password_reset', user.id, null, new Date(), 3600);
  const verificationToken = await issueAccountToken(db, 'email_verification', user.id, user.email, new Date(), 3600);
  return {
    context: {
      ...{
        user,
        newUser: { username: newName, email: `${newName}@example.com`, password: 'correct horse battery staple' },
        userId: other.id,
      },
      ...{ todoId: todo.data?.id ?? 0, refreshToken, resetToken, verificationToken },
    },
    client,
    token,
    narrow: async (scope) => (await loggedIn(scope)).client,
    async direct() {
      const direct = createClient({ baseUrl: app.url });
      await direct.login(user.username, user.password, scopesOfRole(admin ? 'admin' : 'user').join(' '));
      return direct;
    },
    forged: createClient({
      baseUrl: proxy.url,
      fetch: (input, init) => fetch(withForgedToken(new Request(input, init))),
    }),
    other,
  };
}

function withForgedToken(request: Request): Request {
  request.headers.set('authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Zm9yZ2Vk');
  return request;
}

function record(operationId: string, status: number): void {
  const statuses = observed.get(operationId) ?? new Set<number>();
  statuses.add(status);
  observed.set(operationId, statuses);
}

const proxiedCases = operationIds.flatMap((id) =>
  PROXIED[id].map((scenario) => [id, scenario.status, scenario] as const),
);
const invalidCases = operationIds.flatMap((id) =>
  INVALID[id].map((scenario) => [id, scenario.status, scenario] as const),
);

describe('prism proxy --errors in front of the server', () => {
  test.each(proxiedCases)('%s → %i through the proxy', async (operationId, status, scenario) => {
    const result = await scenario.run(await setUp(scenario.admin ?? false));
    const breaches = checkResult(operationId, result);
    const refusal =
      result.response.headers.get('sl-violations') ??
      (result.response.status === status ? '' : JSON.stringify(result.error ?? result.data));
    expect({ status: result.response.status, breaches, refusal }).toEqual({ status, breaches: [], refusal: '' });
    record(operationId, status);
  });

  test.each(invalidCases)(
    '%s → %i for a request the contract forbids (Prism refuses it too, or forwards it and finds the answer conforming)',
    async (operationId, status, scenario) => {
      const { path, init } = scenario.request(await setUp(scenario.admin ?? false));
      if (scenario.host !== undefined) {
        const answer = await getWithHost(app.url + path, scenario.host);
        expect({
          status: answer.status,
          breaches: responseBreaches(operationId, answer.status, answer.type, JSON.parse(answer.body)),
        }).toEqual({ status, breaches: [] });
        record(operationId, status);
        return;
      }
      const direct = await app.raw(path, init);
      expect(direct.status).toBe(status);
      record(operationId, status);
      const proxied = await fetch(proxy.url + path, init);
      if (scenario.prismForwards) {
        expect({ status: proxied.status, violations: proxied.headers.get('sl-violations') }).toEqual({
          status,
          violations: null,
        });
        return;
      }
      expect(proxied.status === 401 || proxied.status === 422).toBe(true);
      expect(proxied.headers.get('content-type')).toMatch(/problem\+json/);
    },
  );

  test('each operation answered exactly the statuses it declares (besides 500 and 503)', () => {
    const mismatches = operationIds.flatMap((id) => {
      const want = (declared.get(id) ?? [])
        .map((r) => r.status)
        .filter((s) => !NOT_EXERCISED_HERE.has(s) && !(PROVEN_ELSEWHERE[id] ?? []).includes(s))
        .sort();
      const got = [...(observed.get(id) ?? [])].sort();
      return JSON.stringify(want) === JSON.stringify(got)
        ? []
        : [`${id}: declares ${want.join(', ')}; answered ${got.join(', ')}`];
    });
    expect(mismatches).toEqual([]);
  });
});
