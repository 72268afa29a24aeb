import { totpCode } from '../../src/security/mfa/totp';
import { EVERY_OPERATION } from '../support/every-operation';
import type { InvalidScenario, ProxiedScenario, Setup } from './proxy-scenarios';

/** Enrols the setup's user through the proxy (real clock); answers their recovery codes. */
async function enrolThrough(s: Setup): Promise<string[]> {
  const current_password = s.context.user.password;
  const started = await s.client.POST('/users/me/mfa/totp', { body: { current_password } });
  const confirmed = await s.client.POST('/users/me/mfa/totp/confirm', { body: { code: totpCode(started.data?.secret ?? '', new Date()), current_password } });
  return confirmed.data?.recovery_codes ?? [];
}

let address = 100;
/** Wrong codes from an address of its own until the server throttles (the attempt limits count per IP). */
const wrongCodesUntil429 = (id: 'confirmTotpEnrolment' | 'disableTotp' | 'regenerateRecoveryCodes', prepare: (s: Setup) => Promise<unknown>): ProxiedScenario => ({
  status: 429,
  async run(s) {
    await prepare(s);
    address += 1;
    const headers = { 'x-forwarded-for': `203.0.113.${address}` };
    for (let n = 0; n < 20; n += 1) {
      const result = await EVERY_OPERATION[id](s.client, { ...s.context, code: '000000' }, headers);
      if (result.response.status === 429) return result;
    }
    throw new Error(`${id} was never throttled in 20 attempts`);
  },
});

/** The access token alone: 403 reauthentication_required. */
const withoutPassword = (id: 'startTotpEnrolment' | 'confirmTotpEnrolment'): ProxiedScenario => ({
  status: 403,
  run: (s) => (id === 'startTotpEnrolment' ? s.client.POST('/users/me/mfa/totp') : s.client.POST('/users/me/mfa/totp/confirm', { body: { code: '492039' } })),
});

/** Wrong current passwords from an address of its own count as failed logins until the server throttles. */
const wrongPasswordsUntil429 = (id: 'startTotpEnrolment'): ProxiedScenario => ({
  status: 429,
  async run(s) {
    address += 1;
    const headers = { 'x-forwarded-for': `203.0.113.${address}` };
    for (let n = 0; n < 20; n += 1) {
      const result = await EVERY_OPERATION[id](s.client, { ...s.context, user: { ...s.context.user, password: 'not the password' } }, headers);
      if (result.response.status === 429) return result;
    }
    throw new Error(`${id} was never throttled in 20 attempts`);
  },
});

const withCode = (id: 'confirmTotpEnrolment' | 'disableTotp' | 'regenerateRecoveryCodes', status: number, code: (s: Setup) => Promise<string>): ProxiedScenario => ({
  status,
  run: async (s) => EVERY_OPERATION[id](s.client, { ...s.context, code: await code(s) }),
});
const plain = (id: keyof typeof EVERY_OPERATION, status: number, admin = false, prepare: (s: Setup) => Promise<unknown> = async () => undefined): ProxiedScenario => ({
  status,
  admin,
  run: async (s) => {
    await prepare(s);
    return EVERY_OPERATION[id](s.client, s.context);
  },
});
const forged = (id: keyof typeof EVERY_OPERATION, admin = false): ProxiedScenario => ({ status: 401, admin, run: (s) => EVERY_OPERATION[id](s.forged, s.context) });
const narrow = (id: keyof typeof EVERY_OPERATION, scope: string, admin = false): ProxiedScenario => ({ status: 403, admin, run: async (s) => EVERY_OPERATION[id](await s.narrow(scope), s.context) });
const codeOperation = (id: 'disableTotp' | 'regenerateRecoveryCodes', success: number): ProxiedScenario[] => [
  withCode(id, success, async (s) => (await enrolThrough(s))[0] ?? ''),
  forged(id),
  narrow(id, 'todos:read'),
  plain(id, 409),
  wrongCodesUntil429(id, enrolThrough),
];

export const MFA_PROXIED = {
  issueToken403: { status: 403, run: async (s: Setup) => (await enrolThrough(s), EVERY_OPERATION.issueToken(s.client, s.context)) },
  listSessions: [plain('listSessions', 200), forged('listSessions'), narrow('listSessions', 'todos:read')],
  endSession: [
    {
      status: 204,
      run: async (s: Setup) => {
        const listed = await s.client.GET('/users/me/sessions');
        return EVERY_OPERATION.endSession(s.client, { ...s.context, sessionId: listed.data?.items[0]?.id ?? '' });
      },
    },
    plain('endSession', 404),
    forged('endSession'),
    narrow('endSession', 'todos:read'),
  ],
  startTotpEnrolment: [
    plain('startTotpEnrolment', 201),
    plain('startTotpEnrolment', 409, false, enrolThrough),
    forged('startTotpEnrolment'),
    narrow('startTotpEnrolment', 'todos:read'),
    withoutPassword('startTotpEnrolment'),
    wrongPasswordsUntil429('startTotpEnrolment'),
  ],
  confirmTotpEnrolment: [
    {
      status: 200,
      run: async (s: Setup) => {
        const started = await s.client.POST('/users/me/mfa/totp', { body: { current_password: s.context.user.password } });
        return EVERY_OPERATION.confirmTotpEnrolment(s.client, { ...s.context, code: totpCode(started.data?.secret ?? '', new Date()) });
      },
    },
    plain('confirmTotpEnrolment', 409),
    forged('confirmTotpEnrolment'),
    narrow('confirmTotpEnrolment', 'todos:read'),
    wrongCodesUntil429('confirmTotpEnrolment', (s) => s.client.POST('/users/me/mfa/totp', { body: { current_password: s.context.user.password } })),
    withoutPassword('confirmTotpEnrolment'),
  ],
  disableTotp: codeOperation('disableTotp', 204),
  regenerateRecoveryCodes: codeOperation('regenerateRecoveryCodes', 200),
  resetUserMfa: [plain('resetUserMfa', 204, true), forged('resetUserMfa', true), narrow('resetUserMfa', 'me', true), { status: 404, admin: true, run: (s: Setup) => EVERY_OPERATION.resetUserMfa(s.client, { ...s.context, userId: 2147483647 }) }],
} satisfies Record<string, ProxiedScenario | readonly ProxiedScenario[]>;

const TOO_LARGE = 'x'.repeat(101 * 1024);
const bearerJson = (s: Setup, body: string, type = 'application/json'): RequestInit => ({ method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${s.token}` }, body });
const noToken = (method: string, path: string): InvalidScenario => ({ status: 401, request: () => ({ path, init: { method } }) });
const unknownQuery = (method: string, path: string, admin = false): InvalidScenario => ({
  status: 400,
  admin,
  prismForwards: true,
  request: (s) => ({ path: `${path}?unknown=1`, init: { method, headers: { authorization: `Bearer ${s.token}` } } }),
});
const codeBodyErrors = (path: string): InvalidScenario[] => [
  { status: 400, request: (s) => ({ path, init: bearerJson(s, JSON.stringify({ code: 'x' })) }) },
  { status: 413, request: (s) => ({ path, init: bearerJson(s, JSON.stringify({ code: TOO_LARGE })) }) },
  { status: 415, request: (s) => ({ path, init: bearerJson(s, '{}', 'text/plain') }) },
  noToken('POST', path),
];

export const MFA_INVALID = {
  listSessions: [unknownQuery('GET', '/users/me/sessions'), noToken('GET', '/users/me/sessions')],
  endSession: [
    { status: 400, request: (s: Setup) => ({ path: '/users/me/sessions/not-a-session', init: { method: 'DELETE', headers: { authorization: `Bearer ${s.token}` } } }) },
    noToken('DELETE', '/users/me/sessions/3f0e7a52-5b0c-4c54-9f1e-0d8f3a9b6c21'),
  ],
  startTotpEnrolment: [
    unknownQuery('POST', '/users/me/mfa/totp'),
    noToken('POST', '/users/me/mfa/totp'),
    { status: 413, request: (s: Setup) => ({ path: '/users/me/mfa/totp', init: bearerJson(s, JSON.stringify({ current_password: TOO_LARGE })) }) },
    { status: 415, request: (s: Setup) => ({ path: '/users/me/mfa/totp', init: bearerJson(s, '{}', 'text/plain') }) },
  ],
  confirmTotpEnrolment: codeBodyErrors('/users/me/mfa/totp/confirm'),
  disableTotp: codeBodyErrors('/users/me/mfa/totp/disable'),
  regenerateRecoveryCodes: codeBodyErrors('/users/me/mfa/recovery-codes'),
  resetUserMfa: [
    { status: 400, admin: true, request: (s: Setup) => ({ path: '/users/0/mfa', init: { method: 'DELETE', headers: { authorization: `Bearer ${s.token}` } } }) },
    noToken('DELETE', '/users/1/mfa'),
  ],
} satisfies Record<string, readonly InvalidScenario[]>;
