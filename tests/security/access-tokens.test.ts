import { createSecretKey } from 'node:crypto';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { CLOCK_SKEW_SECONDS, createAccessTokens } from '../../src/security/access-tokens';
import { loadKeyRing } from '../../src/security/keys/key-ring';
import { movableClock } from '../support/clock';
import { hs256, thumbprint } from '../support/keys';

const SECRET = Buffer.from('unit-test-secret-unit-test-secret-0');
const HS256 = { jwtAlgorithm: 'HS256', jwtPrivateKeyFile: undefined, jwtPreviousKeysFile: undefined } as const;
const clock = movableClock(new Date('2026-11-23T12:00:00Z'));
const start = Date.parse('2026-11-23T12:00:00Z') / 1000;

async function hsTokens() {
  return createAccessTokens({ keys: await loadKeyRing(HS256, SECRET), issuer: 'iss', audience: 'aud', ttlSeconds: 900, clock });
}

test('issued tokens carry sub, iat, exp, iss, aud, jti, scope, ver; header typ at+jwt and kid, signed HS256', async () => {
  const token = await (await hsTokens()).issue({ id: 42, token_version: 3 }, ['me', 'todos:read']);
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: await thumbprint(createSecretKey(SECRET)) });
  const iat = Math.floor(clock.now().getTime() / 1000);
  expect(decodeJwt(token)).toEqual({ sub: '42', scope: 'me todos:read', iat, exp: iat + 900, iss: 'iss', aud: 'aud', jti: expect.stringMatching(/^[0-9a-f-]{36}$/), ver: 3 });
});

test('a token verifies until its exp, by the injected clock', async () => {
  const tokens = await hsTokens();
  const token = await tokens.issue({ id: 7, token_version: 0 }, ['me']);
  expect((await tokens.verify(token))?.sub).toBe('7');
  clock.advance(899);
  expect((await tokens.verify(token))?.sub).toBe('7');
  clock.advance(2);
  expect(await tokens.verify(token)).toBeUndefined();
});

test('every issued token has its own jti', async () => {
  const tokens = await hsTokens();
  const issued = await Promise.all(Array.from({ length: 20 }, () => tokens.issue({ id: 1, token_version: 0 }, ['me'])));
  const ids = new Set(await Promise.all(issued.map(async (token) => (await tokens.verify(token))?.jti)));
  expect(ids.size).toBe(20);
});

describe('clock skew is exactly CLOCK_SKEW_SECONDS, on iat and on the lifetime', () => {
  const fixed = movableClock(new Date(start * 1000));
  const claims = (iat: number, exp: number) => ({ sub: '1', scope: 'me', iat, exp, iss: 'iss', aud: 'aud', jti: 'j', ver: 0 });
  const forge = (iat: number, exp: number) => hs256({ typ: 'at+jwt' }, claims(iat, exp), SECRET);
  let verify: (token: string) => Promise<unknown>;
  beforeAll(async () => {
    const tokens = createAccessTokens({ keys: await loadKeyRing(HS256, SECRET), issuer: 'iss', audience: 'aud', ttlSeconds: 900, clock: fixed });
    verify = (token) => tokens.verify(token);
  });

  test('iat up to the skew ahead of our clock passes; one second more does not', async () => {
    expect(CLOCK_SKEW_SECONDS).toBe(30);
    expect(await verify(forge(start + 30, start + 30 + 900))).toBeDefined();
    expect(await verify(forge(start + 31, start + 31 + 900))).toBeUndefined();
  });

  test('a lifetime up to TTL + skew passes; one second more does not', async () => {
    expect(await verify(forge(start, start + 930))).toBeDefined();
    expect(await verify(forge(start, start + 931))).toBeUndefined();
  });
});
