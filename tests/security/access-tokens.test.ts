import jwt from 'jsonwebtoken';
import { createAccessTokens } from '../../src/security/access-tokens';
import { movableClock } from '../support/clock';

const clock = movableClock(new Date('2026-11-23T12:00:00Z'));
const tokens = createAccessTokens({ secret: Buffer.from('unit-test-secret-unit-test-secret-0'), issuer: 'iss', audience: 'aud', ttlSeconds: 900, clock });

test('issued tokens carry sub, iat, exp, iss, aud, jti, scope, ver and typ at+jwt, signed HS256', async () => {
  const decoded = jwt.decode(await tokens.issue({ id: 42, token_version: 3 }, ['me', 'todos:read']), { complete: true });
  expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  const iat = Date.parse('2026-11-23T12:00:00Z') / 1000;
  expect(decoded?.payload).toEqual({ sub: '42', scope: 'me todos:read', iat, exp: iat + 900, iss: 'iss', aud: 'aud', jti: expect.stringMatching(/^[0-9a-f-]{36}$/), ver: 3 });
});

test('a token verifies until its exp, by the injected clock', async () => {
  const token = await tokens.issue({ id: 7, token_version: 0 }, ['me']);
  expect((await tokens.verify(token))?.sub).toBe('7');
  clock.advance(899);
  expect((await tokens.verify(token))?.sub).toBe('7');
  clock.advance(2);
  expect(await tokens.verify(token)).toBeUndefined();
});

test('every issued token has its own jti', async () => {
  const issued = await Promise.all(Array.from({ length: 20 }, () => tokens.issue({ id: 1, token_version: 0 }, ['me'])));
  const ids = new Set(await Promise.all(issued.map(async (token) => (await tokens.verify(token))?.jti)));
  expect(ids.size).toBe(20);
});
