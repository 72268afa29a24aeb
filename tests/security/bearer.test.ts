import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';
import { registeredUser, type TestUser } from '../support/flows';

let app: TestApp;
let user: TestUser;
let userId: string;
beforeAll(async () => {
  app = await startTestApp();
  user = await registeredUser(app);
  userId = String((await app.client.GET('/users/me', { headers: user.auth })).data?.id);
});
afterAll(() => app.close());

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: userId,
  scope: 'me',
  iat: now(),
  exp: now() + 600,
  iss: 'tollgate',
  aud: 'tollgate',
  jti: 'forged',
  ver: 0,
  ...overrides,
});
const sign = (payload: object, secret = TEST_SECRET, header: object = { typ: 'at+jwt' }) =>
  jwt.sign(payload, createSecretKey(Buffer.from(secret)), { algorithm: 'HS256', header: { alg: 'HS256', ...header } });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function me(token: string) {
  return app.client.GET('/users/me', { headers: { Authorization: `Bearer ${token}` } });
}

test('a correctly signed token is accepted (the forgery helpers are sound)', async () => {
  expect((await me(sign(claims()))).response.status).toBe(200);
});

test.each([
  ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`],
  ['a wrong key', () => sign(claims(), 'another-secret-another-secret-another')],
  ['expired', () => sign(claims({ iat: now() - 1000, exp: now() - 10 }))],
  ['a wrong issuer', () => sign(claims({ iss: 'evil' }))],
  ['a wrong audience', () => sign(claims({ aud: 'someone-else' }))],
  [
    'no exp',
    () => {
      const { exp: _exp, ...withoutExp } = claims();
      return sign(withoutExp);
    },
  ],
  [
    'a tampered payload',
    () => {
      const [h, , s] = sign(claims()).split('.');
      return `${h}.${b64(claims({ scope: 'me users:admin' }))}.${s}`;
    },
  ],
  ['another token type', () => sign(claims(), TEST_SECRET, { typ: 'JWT' })],
  ['an unknown user', () => sign(claims({ sub: '999999' }))],
  ['a username as sub', () => sign(claims({ sub: user.username }))],
  ['garbage', () => 'not.a.jwt'],
])('%s → 401 invalid_token', async (_name, forge) => {
  const { response, error } = await me(forge());
  expect(response.status).toBe(401);
  expect(error?.code).toBe('invalid_token');
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tollgate", error="invalid_token"/);
});

test('a deactivated user is locked out at once, token still unexpired', async () => {
  const victim = await registeredUser(app);
  expect((await me(victim.token)).response.status).toBe(200);
  await app.server.services.db
    .updateTable('users')
    .set({ is_active: 0 })
    .where('username', '=', victim.username)
    .execute();
  expect((await me(victim.token)).response.status).toBe(401);
});

test('other schemes are not bearer credentials → bare challenge', async () => {
  const { response } = await app.client.GET('/users/me', { headers: { Authorization: 'Basic YWxpY2U6c2VjcmV0' } });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tollgate"');
});
