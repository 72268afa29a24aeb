import bcrypt from 'bcryptjs';
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
  const { response } = await app.client.PUT('/users/me/password', { headers: user.auth, body: { current_password: user.password, new_password: password } });
  expect(response.status).toBe(204);
  return { ...user, password };
}

const storedHash = async (user: TestUser): Promise<string> =>
  (await app.server.services.db.selectFrom('users').select('password_hash').where('username', '=', user.username).executeTakeFirstOrThrow()).password_hash;

const setStoredHash = (user: TestUser, hash: string) => app.server.services.db.updateTable('users').set({ password_hash: hash }).where('username', '=', user.username).execute();

describe('passwords are Unicode-normalised (NFKC) in every flow', () => {
  test('set in NFD, logged in with NFC and the other way round; the password change accepts either spelling', async () => {
    expect(NFD).not.toBe(NFC);
    const user = await register(NFD);
    expect((await login(app, user.username, NFC)).status).toBe(200);
    const session = (await (await login(app, user.username, NFD)).json()) as TokenBody;
    const { response } = await app.client.PUT('/users/me/password', { headers: bearer(session.access_token), body: { current_password: NFC, new_password: 'ﬁve ＦＵＬＬ-width' } });
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
