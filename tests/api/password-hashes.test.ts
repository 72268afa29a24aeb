import bcrypt from 'bcryptjs';
import { hash as argon2Hash } from '@node-rs/argon2';
import { bearer, login, registeredUser, type TestUser, type TokenBody } from '../support/flows';
import { comparisonsDuring } from '../support/password-work';
import { startTestApp, type TestApp } from '../support/test-app';

// BCRYPT_COST=4 (test-app default) is the configured cost.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const NFC = 'Crème brûlée, naïve café'.normalize('NFC');
const NFD = NFC.normalize('NFD');

async function register(password: string): Promise<TestUser> {
  const user = await registeredUser(app);
  const { response } = await app.client.PUT('/users/me/password', {
    headers: user.auth,
    body: { current_password: user.password, new_password: password },
  });
  expect(response.status).toBe(204);
  return { ...user, password };
}

const storedHash = async (user: TestUser): Promise<string> =>
  (
    await app.server.services.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', user.username)
      .executeTakeFirstOrThrow()
  ).password_hash;

const setStoredHash = (user: TestUser, hash: string) =>
  app.server.services.db
    .updateTable('users')
    .set({ password_hash: hash })
    .where('username', '=', user.username)
    .execute();

describe('passwords are Unicode-normalised (NFKC) in every flow', () => {
  test('set in NFD, logged in with NFC and the other way round; the password change accepts either spelling', async () => {
    expect(NFD).not.toBe(NFC);
    const user = await register(NFD);
    expect((await login(app, user.username, NFC)).status).toBe(200);
    const session = (await (await login(app, user.username, NFD)).json()) as TokenBody;
    const { response } = await app.client.PUT('/users/me/password', {
      headers: bearer(session.access_token),
      body: { current_password: NFC, new_password: 'ﬁve ＦＵＬＬ-width' },
    });
    expect(response.status).toBe(204);
    // NFKC: the ligature and the full-width letters are their plain spellings.
    expect((await login(app, user.username, 'five FULL-width')).status).toBe(200);
  });

  test('a hash made before normalisation still verifies, and the login rehashes it in the normalised form', async () => {
    const user = await registeredUser(app);
    await setStoredHash(user, bcrypt.hashSync(NFD, 4));
    expect((await login(app, user.username, NFC)).status).toBe(400);
    expect((await login(app, user.username, NFD)).status).toBe(200);
    expect((await login(app, user.username, NFC)).status).toBe(200);
  });
});

describe('a stored hash of another bcrypt cost (issue 13 item 17)', () => {
  test('is rehashed at the configured cost on the first successful login; from then on a login costs what an unknown user costs', async () => {
    const user = await registeredUser(app);
    await setStoredHash(user, bcrypt.hashSync(user.password, 6));
    expect(await comparisonsDuring(app, () => login(app, user.username, 'wrong password'))).toEqual({ '6': 1 });

    expect((await login(app, user.username, user.password)).status).toBe(200);
    expect(bcrypt.getRounds(await storedHash(user))).toBe(4);
    expect(await comparisonsDuring(app, () => login(app, user.username, 'wrong password'))).toEqual({ '4': 1 });
    expect(await comparisonsDuring(app, () => login(app, 'no_such_user_here', 'wrong password'))).toEqual({ '4': 1 });
    expect((await login(app, user.username, user.password)).status).toBe(200);
  });
});

// A syntactically valid digest: what matters here is that it is never computed.
const DIGEST = 'A'.repeat(43);
const SALT = 'c29tZXNhbHRzb21lc2FsdA';

describe('a stored hash dearer than the bounds is refused without being computed (issue 21 item 9)', () => {
  // Default bounds: bcrypt cost ≤ 14; Argon2 memory ≤ 256 MiB, time ≤ 10, parallelism ≤ 16. One
  // login against any of these would tie a hashing thread up for hours (or ask for 4 GiB).
  test.each([
    ['bcrypt at cost 31', `$2b$31$${'A'.repeat(53)}`],
    ['bcrypt at cost 15', `$2a$15$${'A'.repeat(53)}`],
    ['Argon2id with 4 GiB of memory', `$argon2id$v=19$m=4194304,t=3,p=1$${SALT}$${DIGEST}`],
    ['Argon2id with 1000 passes', `$argon2id$v=19$m=19456,t=1000,p=1$${SALT}$${DIGEST}`],
    ['Argon2i with 255 lanes', `$argon2i$v=19$m=19456,t=2,p=255$${SALT}$${DIGEST}`],
  ])('%s: the login is the wrong-password answer, after the dummy comparison alone', async (_name, hash) => {
    const user = await registeredUser(app);
    await setStoredHash(user, hash);
    let response: Response | undefined;
    const work = await comparisonsDuring(app, async () => {
      response = await login(app, user.username, user.password);
    });
    expect(response?.status).toBe(400);
    expect(await response?.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid username or password.',
    });
    // Exactly what an unknown user costs: one comparison at the configured cost, none against the stored hash.
    expect(work).toEqual({ '4': 1 });
    expect(await storedHash(user)).toBe(hash);
  });
});

describe('the bounds are configurable (PASSWORD_HASH_MAX_*)', () => {
  let bounded: TestApp;
  beforeAll(async () => {
    bounded = await startTestApp({ PASSWORD_HASH_MAX_BCRYPT_COST: '5', PASSWORD_HASH_MAX_ARGON2_MEMORY_KIB: '8192' });
  });
  afterAll(() => bounded.close());

  const userWithHash = async (hash: (password: string) => Promise<string> | string) => {
    const user = await registeredUser(bounded);
    await bounded.server.services.db
      .updateTable('users')
      .set({ password_hash: await hash(user.password) })
      .where('username', '=', user.username)
      .execute();
    return user;
  };
  const loginWork = async (user: TestUser) => {
    let status = 0;
    const work = await comparisonsDuring(bounded, async () => {
      status = (await login(bounded, user.username, user.password)).status;
    });
    return { status, work };
  };

  test('bcrypt: cost 5 (the bound) verifies; cost 6 is refused even with the right password, and not compared', async () => {
    expect(await loginWork(await userWithHash((p) => bcrypt.hashSync(p, 5)))).toEqual({
      status: 200,
      work: { '5': 1 },
    });
    expect(await loginWork(await userWithHash((p) => bcrypt.hashSync(p, 6)))).toEqual({
      status: 400,
      work: { '4': 1 },
    });
  });

  test('Argon2: 8 MiB (the bound) verifies; 19 MiB is refused even with the right password, and not compared', async () => {
    const within = await userWithHash((p) => argon2Hash(p, { memoryCost: 8192, timeCost: 2, parallelism: 1 }));
    expect(await loginWork(within)).toEqual({ status: 200, work: { argon2: 1, '4': 1 } });
    const beyond = await userWithHash((p) => argon2Hash(p, { memoryCost: 19456, timeCost: 2, parallelism: 1 }));
    expect(await loginWork(beyond)).toEqual({ status: 400, work: { '4': 1 } });
  });
});
