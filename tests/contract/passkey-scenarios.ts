import type { TollgateClient } from '../../src/client';
import { EVERY_OPERATION } from '../support/every-operation';
import { ORIGIN } from '../support/passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import type { InvalidScenario, ProxiedScenario, Setup } from './proxy-scenarios';

type PasskeyOperation =
  'listPasskeys' | 'startPasskeyRegistration' | 'finishPasskeyRegistration' | 'renamePasskey' | 'deletePasskey';

/** A live registration challenge of the setup's user and a software authenticator's answer to it. */
async function answeredChallenge(s: Setup) {
  const started = await s.client.POST('/users/me/passkeys/registration/options', {
    body: { current_password: s.context.user.password },
  });
  if (!started.data) throw new Error(`registration options failed: ${started.response.status}`);
  return {
    challenge_id: started.data.challenge_id,
    credential: new SoftwareAuthenticator().create(started.data.options, ORIGIN),
  };
}

/** Registers a passkey through the proxy; answers its id. */
async function registerThrough(s: Setup): Promise<number> {
  const registered = await EVERY_OPERATION.finishPasskeyRegistration(s.client, {
    ...s.context,
    passkeyRegistration: await answeredChallenge(s),
  });
  return (registered.data as { id: number }).id;
}

const withPasskey = (id: 'renamePasskey' | 'deletePasskey', status: number): ProxiedScenario => ({
  status,
  run: async (s) => EVERY_OPERATION[id](s.client, { ...s.context, passkeyId: await registerThrough(s) }),
});
const forged = (id: PasskeyOperation): ProxiedScenario => ({
  status: 401,
  run: (s) => EVERY_OPERATION[id](s.forged, s.context),
});
const narrow = (id: PasskeyOperation): ProxiedScenario => ({
  status: 403,
  run: async (s) => EVERY_OPERATION[id](await s.narrow('todos:read'), s.context),
});
const missing = (id: 'renamePasskey' | 'deletePasskey'): ProxiedScenario => ({
  status: 404,
  run: (s) => EVERY_OPERATION[id](s.client, { ...s.context, passkeyId: 2147483647 }),
});

let address = 200;
/** Wrong current passwords from an address of its own until the login limits answer 429. */
const wrongPasswordsUntil429 = (id: 'startPasskeyRegistration' | 'deletePasskey'): ProxiedScenario => ({
  status: 429,
  async run(s) {
    address += 1;
    const headers = { 'x-forwarded-for': `203.0.113.${address}` };
    for (let n = 0; n < 20; n += 1) {
      const result = await EVERY_OPERATION[id](
        s.client,
        { ...s.context, user: { ...s.context.user, password: 'not the password' } },
        headers,
      );
      if (result.response.status === 429) return result;
    }
    throw new Error(`${id} was never throttled in 20 attempts`);
  },
});

/** The access token alone: 403 reauthentication_required. */
const withoutPassword = (call: (client: TollgateClient) => Promise<{ response: Response }>): ProxiedScenario => ({
  status: 403,
  run: (s) => call(s.client),
});

/** Ten passkeys (the most an account may have), with `extra` more challenges asked for first. */
async function tenPasskeys(s: Setup, extra: number) {
  // One after another: concurrent password checks count as concurrent login attempts (the login limits).
  const pending = [];
  for (let i = 0; i < 10 + extra; i += 1) pending.push(await answeredChallenge(s));
  for (const registration of pending.slice(0, 10))
    await EVERY_OPERATION.finishPasskeyRegistration(s.client, { ...s.context, passkeyRegistration: registration });
  return pending.slice(10);
}

export const PASSKEY_PROXIED: {
  readonly [Id in PasskeyOperation | 'startPasskeyAuthentication']: readonly ProxiedScenario[];
} = {
  listPasskeys: [
    { status: 200, run: (s) => EVERY_OPERATION.listPasskeys(s.client, s.context) },
    forged('listPasskeys'),
    narrow('listPasskeys'),
  ],
  startPasskeyRegistration: [
    { status: 200, run: (s) => EVERY_OPERATION.startPasskeyRegistration(s.client, s.context) },
    {
      status: 409,
      run: async (s) => (await tenPasskeys(s, 0), EVERY_OPERATION.startPasskeyRegistration(s.client, s.context)),
    },
    forged('startPasskeyRegistration'),
    narrow('startPasskeyRegistration'),
    withoutPassword((client) => client.POST('/users/me/passkeys/registration/options')),
    wrongPasswordsUntil429('startPasskeyRegistration'),
  ],
  finishPasskeyRegistration: [
    {
      status: 201,
      run: async (s) =>
        EVERY_OPERATION.finishPasskeyRegistration(s.client, {
          ...s.context,
          passkeyRegistration: await answeredChallenge(s),
        }),
    },
    // The spec's example: no such challenge.
    { status: 400, run: (s) => EVERY_OPERATION.finishPasskeyRegistration(s.client, s.context) },
    {
      status: 409,
      run: async (s) =>
        EVERY_OPERATION.finishPasskeyRegistration(s.client, {
          ...s.context,
          passkeyRegistration: (await tenPasskeys(s, 1))[0],
        }),
    },
    forged('finishPasskeyRegistration'),
    narrow('finishPasskeyRegistration'),
  ],
  renamePasskey: [
    withPasskey('renamePasskey', 200),
    missing('renamePasskey'),
    forged('renamePasskey'),
    narrow('renamePasskey'),
  ],
  deletePasskey: [
    withPasskey('deletePasskey', 204),
    missing('deletePasskey'),
    forged('deletePasskey'),
    narrow('deletePasskey'),
    withoutPassword((client) => client.DELETE('/users/me/passkeys/{id}', { params: { path: { id: 1 } } })),
    wrongPasswordsUntil429('deletePasskey'),
  ],
  startPasskeyAuthentication: [
    { status: 200, run: (s) => EVERY_OPERATION.startPasskeyAuthentication(s.client, s.context) },
  ],
};

const TOO_LARGE = 'x'.repeat(101 * 1024);
const bearerJson = (s: Setup, method: string, body: string, type = 'application/json'): RequestInit => ({
  method,
  headers: { 'content-type': type, authorization: `Bearer ${s.token}` },
  body,
});
const noToken = (method: string, path: string): InvalidScenario => ({
  status: 401,
  request: () => ({ path, init: { method } }),
});
const bodyErrors = (method: string, path: string, invalid: unknown): InvalidScenario[] => [
  { status: 400, request: (s) => ({ path, init: bearerJson(s, method, JSON.stringify(invalid)) }) },
  { status: 413, request: (s) => ({ path, init: bearerJson(s, method, JSON.stringify({ name: TOO_LARGE })) }) },
  { status: 415, request: (s) => ({ path, init: bearerJson(s, method, '{}', 'text/plain') }) },
  noToken(method, path),
];

export const PASSKEY_INVALID: {
  readonly [Id in PasskeyOperation | 'startPasskeyAuthentication']: readonly InvalidScenario[];
} = {
  listPasskeys: [
    {
      status: 400,
      prismForwards: true,
      request: (s) => ({
        path: '/users/me/passkeys?unknown=1',
        init: { headers: { authorization: `Bearer ${s.token}` } },
      }),
    },
    noToken('GET', '/users/me/passkeys'),
  ],
  startPasskeyRegistration: bodyErrors('POST', '/users/me/passkeys/registration/options', { current_password: '' }),
  finishPasskeyRegistration: bodyErrors('POST', '/users/me/passkeys/registration/verify', { challenge_id: 'x' }),
  renamePasskey: bodyErrors('PATCH', '/users/me/passkeys/1', { name: '' }),
  deletePasskey: bodyErrors('DELETE', '/users/me/passkeys/1', { current_password: '' }),
  startPasskeyAuthentication: [
    {
      status: 400,
      prismForwards: true,
      request: () => ({ path: '/passkeys/authentication/options?unknown=1', init: { method: 'POST' } }),
    },
  ],
};
