import { createClient } from '../../src/client';
import { registeredUser } from '../support/flows';
import { claimsOf } from '../support/mfa';
import { ORIGIN, PASSKEY_ENV } from '../support/passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(PASSKEY_ENV);
});
afterAll(() => app.close());

describe('the typed client: registerPasskey and signInWithPasskey', () => {
  test('registers a passkey for the signed-in user, then a fresh client signs in with it and holds the tokens', async () => {
    const user = await registeredUser(app);
    const authenticator = new SoftwareAuthenticator('EdDSA');
    const client = createClient({ baseUrl: app.url });
    await client.login(user.username, user.password);
    // What a browser page passes: a function running navigator.credentials.create() on the options.
    const registered = await client.registerPasskey(
      user.password,
      async (options) => authenticator.create(options, ORIGIN),
      'Phone',
    );
    expect(registered.data).toMatchObject({ name: 'Phone', device_type: 'singleDevice' });

    const fresh = createClient({ baseUrl: app.url });
    const signedIn = await fresh.signInWithPasskey(async (options) => authenticator.get(options, ORIGIN));
    expect(signedIn.outcome).toBe('signed_in');
    expect(claimsOf(signedIn.outcome === 'signed_in' ? signedIn.tokens.access_token : '').amr).toContain('mfa');
    expect(fresh.isLoggedIn()).toBe(true);
    expect((await fresh.GET('/users/me')).data?.username).toBe(user.username);
  });

  test("a wrong current password is the options call's 403 problem; a refused assertion is `refused` with invalid_grant", async () => {
    const user = await registeredUser(app);
    const client = createClient({ baseUrl: app.url });
    await client.login(user.username, user.password);
    const authenticator = new SoftwareAuthenticator();
    const refused = await client.registerPasskey('not the password', async (options) =>
      authenticator.create(options, ORIGIN),
    );
    expect({ status: refused.response.status, code: refused.error?.code }).toEqual({
      status: 403,
      code: 'invalid_credentials',
    });

    expect(
      (await client.registerPasskey(user.password, async (options) => authenticator.create(options, ORIGIN))).response
        .status,
    ).toBe(201);
    const failed = await createClient({ baseUrl: app.url }).signInWithPasskey(async (options) =>
      authenticator.get(options, ORIGIN, { userVerified: false }),
    );
    expect(failed).toMatchObject({ outcome: 'refused', status: 400, error: { error: 'invalid_grant' } });
  });
});
