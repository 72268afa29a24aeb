import { bearer, registeredUser, type TokenBody } from '../support/flows';
import { claimsOf } from '../support/mfa';
import { ORIGIN, PASSKEY_ENV, registerPasskey, signInWithPasskey } from '../support/passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestAppOn, type TestApp } from '../support/test-app';
import { describeOnPostgres, freshTestDatabase, type TestDatabase } from '../support/test-database';

// Challenges live in the database, not in one process: a ceremony begun on A finishes on B.
// Several instances share one database only on PostgreSQL (as tests/api/multi-instance.test.ts).
describeOnPostgres('passkeys on two instances sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await freshTestDatabase('postgres');
    const start = () => startTestAppOn(database.url, PASSKEY_ENV);
    [a, b] = await Promise.all([start(), start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  test('registration options from A, verified on B; sign-in options from B, the grant on A', async () => {
    const user = await registeredUser(a);
    const authenticator = new SoftwareAuthenticator('EdDSA');
    const registered = await registerPasskey(a, user, authenticator, {}, b);
    expect(registered.response.status).toBe(201);
    const signedIn = await signInWithPasskey(b, authenticator, {}, a);
    expect(signedIn.status).toBe(200);
    const { access_token } = (await signedIn.json()) as TokenBody;
    expect(claimsOf(access_token).amr).toEqual(['hwk', 'user', 'mfa']);
    expect((await b.client.GET('/users/me', { headers: bearer(access_token) })).data?.username).toBe(user.username);
  });

  test('a challenge spent on A is spent on B', async () => {
    const user = await registeredUser(a);
    const authenticator = new SoftwareAuthenticator();
    expect((await registerPasskey(a, user, authenticator)).response.status).toBe(201);
    const { data } = await a.client.POST('/passkeys/authentication/options');
    const assertion = authenticator.get(
      data?.options ?? { challenge: '', rpId: '', timeout: 1, allowCredentials: [], userVerification: 'required' },
      ORIGIN,
    );
    const form = (app: TestApp) =>
      app.raw('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:tollgate:params:oauth:grant-type:passkey',
          challenge_id: data?.challenge_id ?? '',
          credential: JSON.stringify(assertion),
        }).toString(),
      });
    expect((await form(a)).status).toBe(200);
    expect((await form(b)).status).toBe(400);
  });
});
