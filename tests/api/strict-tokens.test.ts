import { createSecretKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { SignJWT } from 'jose';
import { movableClock } from '../support/clock';
import { bearer, registeredUser, type TestUser } from '../support/flows';
import { hs256, keyPair, tempDir, thumbprint, unsigned, type TestKeyPair } from '../support/keys';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

// Every forged token is signed with the app's real secret or key, so only the rule under test fails.
const clock = movableClock();
const now = () => Math.floor(clock.now().getTime() / 1000);
const TTL = 900;

async function subjectOf(app: TestApp, user: TestUser) {
  return String((await app.client.GET('/users/me', { headers: user.auth })).data?.id);
}
async function expectStatus(app: TestApp, token: string, status: number) {
  const { response, error } = await app.client.GET('/users/me', { headers: bearer(token) });
  expect(response.status).toBe(status);
  if (status === 401) expect(error?.code).toBe('invalid_token');
}

describe('HS256', () => {
  let app: TestApp;
  let user: TestUser;
  let kid: string;
  let sub: string;
  beforeAll(async () => {
    app = await startTestApp({ ACCESS_TOKEN_TTL: String(TTL) }, clock);
    user = await registeredUser(app);
    sub = await subjectOf(app, user);
    kid = await thumbprint(createSecretKey(Buffer.from(TEST_SECRET)));
  });
  afterAll(() => app.close());

  const claims = (overrides: Record<string, unknown> = {}) => ({
    sub,
    scope: 'me',
    iat: now(),
    exp: now() + TTL,
    iss: 'tollgate',
    aud: 'tollgate',
    jti: 'forged',
    ver: 0,
    ...overrides,
  });
  const forge = (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = { typ: 'at+jwt', kid }) =>
    hs256(header, claims(overrides), TEST_SECRET);

  test('the forgery is sound: these tokens pass', async () => {
    await expectStatus(app, forge(), 200);
    await expectStatus(app, forge({}, { typ: 'at+jwt' }), 200);
    await expectStatus(app, forge({}, { typ: 'application/at+jwt', kid }), 200);
    await expectStatus(app, forge({ nbf: now() - 5 }), 200);
    await expectStatus(app, forge({ iat: now() + 10, exp: now() + 10 + TTL }), 200);
  });

  test.each([
    ['typ missing', () => forge({}, { kid })],
    ['typ JWT', () => forge({}, { typ: 'JWT', kid })],
    ['typ of a refresh token', () => forge({}, { typ: 'rt+jwt', kid })],
    ['iat in the future', () => forge({ iat: now() + 120, exp: now() + 120 + TTL })],
    [
      'iat missing',
      () => {
        const { iat: _iat, ...rest } = claims();
        return hs256({ typ: 'at+jwt', kid }, rest, TEST_SECRET);
      },
    ],
    ['a lifetime beyond TTL + skew', () => forge({ exp: now() + TTL + 31 })],
    ['a year-long token', () => forge({ exp: now() + 365 * 86400 })],
    ['nbf in the future', () => forge({ nbf: now() + 60 })],
    ['an unknown kid', () => forge({}, { typ: 'at+jwt', kid: 'not-a-key-we-have' })],
    ['alg none', () => unsigned({ typ: 'at+jwt', kid }, claims())],
    ['alg none without kid', () => unsigned({ typ: 'at+jwt' }, claims())],
  ])('%s → 401', async (_name, token) => {
    await expectStatus(app, token(), 401);
  });

  test('a refresh token presented as a bearer token → 401', async () => {
    await expectStatus(app, user.refreshToken, 401);
  });

  test('an expired token stays refused (exp is exact; the skew is for iat only)', async () => {
    await expectStatus(app, forge({ iat: now() - TTL, exp: now() }), 401);
  });
});

describe('RS256: no algorithm confusion', () => {
  const dir = tempDir();
  let app: TestApp;
  let pair: TestKeyPair;
  let sub: string;
  beforeAll(async () => {
    pair = await keyPair(dir, 'RS256');
    app = await startTestApp(
      { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: pair.privateKeyFile, ACCESS_TOKEN_TTL: String(TTL) },
      clock,
    );
    sub = await subjectOf(app, await registeredUser(app));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const claims = () => ({
    sub,
    scope: 'me',
    iat: now(),
    exp: now() + TTL,
    iss: 'tollgate',
    aud: 'tollgate',
    jti: 'forged',
    ver: 0,
  });
  const publicPem = () => pair.publicKey.export({ type: 'spki', format: 'pem' });

  test('the forgery is sound: RS256 with the real private key passes', async () => {
    await expectStatus(
      app,
      await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: pair.kid })
        .sign(pair.privateKey),
      200,
    );
  });

  test.each([
    [
      'HS256 keyed with the public key PEM, under the RSA kid',
      () => hs256({ typ: 'at+jwt', kid: pair.kid }, claims(), publicPem()),
    ],
    ['HS256 keyed with the public key PEM, without kid', () => hs256({ typ: 'at+jwt' }, claims(), publicPem())],
    [
      'HS256 keyed with the public key DER',
      () => hs256({ typ: 'at+jwt', kid: pair.kid }, claims(), pair.publicKey.export({ type: 'spki', format: 'der' })),
    ],
    ['alg none under the RSA kid', () => unsigned({ typ: 'at+jwt', kid: pair.kid }, claims())],
    ['the old HS256 TEST_SECRET, now that we sign RS256', () => hs256({ typ: 'at+jwt' }, claims(), TEST_SECRET)],
  ])('%s → 401', async (_name, token) => {
    await expectStatus(app, token(), 401);
  });

  test('RS256 token with typ missing → 401', async () => {
    await expectStatus(
      app,
      await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: pair.kid }).sign(pair.privateKey),
      401,
    );
  });
});

describe('one spelling per token', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** The same bytes with another last character: its bits past the data (2 or 4 of them) set. */
  const sibling = (segment: string) => segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment.at(-1) as string) ^ 1];
  const replaced = (token: string, index: number, change: (segment: string) => string) =>
    token
      .split('.')
      .map((s, i) => (i === index ? change(s) : s))
      .join('.');
  const otherSpellings = (token: string) => {
    const spellings = [
      replaced(token, 2, sibling),
      `${token}=`,
      replaced(token, 1, (s) => `${s}=`),
      replaced(token, 0, (s) => `${s}==`),
    ];
    // Header and payload have spare bits only when their length is not a multiple of 4.
    for (const index of [0, 1])
      if ((token.split('.')[index] as string).length % 4 !== 0) spellings.push(replaced(token, index, sibling));
    return spellings;
  };

  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  test('the sibling spelling decodes to the very same bytes (so only the spelling is under test)', async () => {
    const { token: accessToken } = await registeredUser(app);
    const signature = accessToken.split('.')[2] as string;
    expect(signature.length % 4).not.toBe(0);
    expect(Buffer.from(sibling(signature), 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
  });

  test('another final character or a trailing = → 401 invalid_token, even right after the real token was verified and cached', async () => {
    const { token: accessToken } = await registeredUser(app);
    await expectStatus(app, accessToken, 200);
    for (const spelling of otherSpellings(accessToken)) {
      const { response, error } = await app.client.GET('/users/me', { headers: bearer(spelling) });
      expect([spelling, response.status, error?.code]).toEqual([spelling, 401, 'invalid_token']);
    }
    await expectStatus(app, accessToken, 200);
  });

  test('another spelling presented first is refused, and does not spoil the real one', async () => {
    const { token: accessToken } = await registeredUser(app);
    await expectStatus(app, replaced(accessToken, 2, sibling), 401);
    await expectStatus(app, accessToken, 200);
  });
});
