import jwt from 'jsonwebtoken';
import { createAccessTokens } from '../../src/security/access-tokens';
import { loadKeyRing } from '../../src/security/keys/key-ring';
import { withVerifiedTokenCache } from '../../src/security/verified-token-cache';
import { movableClock } from '../support/clock';

const SECRET = Buffer.from('unit-test-secret-unit-test-secret-0');

async function setup(maxEntries?: number) {
  const clock = movableClock(new Date('2026-11-23T12:00:00Z'));
  const inner = createAccessTokens({ keys: await loadKeyRing({ jwtAlgorithm: 'HS256', jwtPrivateKeyFile: undefined, jwtPreviousKeysFile: undefined }, SECRET), issuer: 'iss', audience: 'aud', ttlSeconds: 900, clock });
  const signatureChecks = jest.spyOn(inner, 'verify');
  return { clock, inner, signatureChecks, tokens: withVerifiedTokenCache(inner, clock, maxEntries) };
}

test('a token is verified once, then answered from the cache with the same claims', async () => {
  const { tokens, signatureChecks } = await setup();
  const token = await tokens.issue({ id: 7, token_version: 2 }, ['me']);
  const first = await tokens.verify(token);
  const second = await tokens.verify(token);
  expect(first).toMatchObject({ sub: '7', ver: 2, scope: 'me' });
  expect(second).toEqual(first);
  expect(signatureChecks).toHaveBeenCalledTimes(1);
});

test('a cached token stops verifying at its exp, by the injected clock', async () => {
  const { tokens, clock } = await setup();
  const token = await tokens.issue({ id: 7, token_version: 0 }, ['me']);
  await tokens.verify(token);
  clock.advance(899);
  expect((await tokens.verify(token))?.sub).toBe('7');
  clock.advance(1);
  expect(await tokens.verify(token)).toBeUndefined();
});

test('rejected tokens are never cached: every forged attempt is checked again', async () => {
  const { tokens, signatureChecks } = await setup();
  const forged = jwt.sign({ sub: '1', scope: 'me', ver: 0, jti: 'x', iss: 'iss', aud: 'aud' }, 'not-our-secret', { header: { alg: 'HS256', typ: 'at+jwt' } });
  expect(await tokens.verify(forged)).toBeUndefined();
  expect(await tokens.verify(forged)).toBeUndefined();
  expect(signatureChecks).toHaveBeenCalledTimes(2);
});

test('the cache is bounded: the least recently used token is dropped first', async () => {
  const { tokens, signatureChecks } = await setup(2);
  const [a, b, c] = await Promise.all([1, 2, 3].map((id) => tokens.issue({ id, token_version: 0 }, ['me'])));
  for (const token of [a, b, a, c]) await tokens.verify(token as string);
  expect(signatureChecks).toHaveBeenCalledTimes(3);
  await tokens.verify(a as string);
  expect(signatureChecks).toHaveBeenCalledTimes(3);
  await tokens.verify(b as string);
  expect(signatureChecks).toHaveBeenCalledTimes(4);
});

test('cached claims cannot be changed by a caller', async () => {
  const { tokens } = await setup();
  const token = await tokens.issue({ id: 7, token_version: 0 }, ['me']);
  const claims = await tokens.verify(token);
  expect(Object.isFrozen(claims)).toBe(true);
});
