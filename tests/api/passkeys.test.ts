import { movableClock } from '../support/clock';
import { registeredUser, type TestUser } from '../support/flows';
import {
  ORIGIN,
  PASSKEY_ENV,
  RP_ID,
  registerPasskey,
  registeredPasskey,
  registrationOptions,
} from '../support/passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

let smtp: TestSmtp;
let app: TestApp;
const clock = movableClock();

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startTestApp({ ...PASSKEY_ENV, SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '50' }, clock);
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

/** A typed-client result that failed with this status and problem code. */
function expectProblem(result: { response: Response; error?: unknown }, status: number, code: string): void {
  expect({ status: result.response.status, code: (result.error as { code?: string } | undefined)?.code }).toEqual({
    status,
    code,
  });
}

const list = (user: TestUser) => app.client.GET('/users/me/passkeys', { headers: user.auth });

describe('startPasskeyRegistration', () => {
  test('answers creation options for a discoverable credential with user verification, no attestation, ES256/EdDSA/RS256', async () => {
    const user = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, user);
    expect(challenge_id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(options.rp).toEqual({ id: RP_ID, name: 'tollgate' });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.pubKeyCredParams.map((p) => p.alg).sort((a, b) => a - b)).toEqual([-257, -8, -7]);
    expect(options.excludeCredentials).toEqual([]);
    expect(options.challenge.length).toBeGreaterThanOrEqual(43);
  });

  test('user.id is an opaque handle: neither the database id nor the username, and the same for every registration of the user', async () => {
    const user = await registeredUser(app);
    const me = await app.client.GET('/users/me', { headers: user.auth });
    const first = (await registrationOptions(app, user)).options.user;
    const second = (await registrationOptions(app, user)).options.user;
    const decoded = Buffer.from(first.id, 'base64url');
    expect(decoded.length).toBe(32);
    expect(decoded.toString('utf8')).not.toContain(user.username);
    expect(first.id).not.toBe(Buffer.from(String(me.data?.id)).toString('base64url'));
    expect(second.id).toBe(first.id);
  });

  test("excludeCredentials lists the user's passkeys (and only theirs)", async () => {
    const user = await registeredUser(app);
    const other = await registeredUser(app);
    const authenticator = new SoftwareAuthenticator();
    const registered = await registerPasskey(app, user, authenticator);
    expect(registered.response.status).toBe(201);
    await registeredPasskey(app, other, new SoftwareAuthenticator());
    const { options } = await registrationOptions(app, user);
    expect(options.excludeCredentials).toHaveLength(1);
    expect(options.excludeCredentials[0]).toMatchObject({ type: 'public-key', transports: ['internal'] });
  });

  test('needs the current password: none is 403 reauthentication_required, a wrong one 403 invalid_credentials', async () => {
    const user = await registeredUser(app);
    const missing = await app.client.POST('/users/me/passkeys/registration/options', { headers: user.auth, body: {} });
    expectProblem(missing, 403, 'reauthentication_required');
    const wrong = await app.client.POST('/users/me/passkeys/registration/options', {
      headers: user.auth,
      body: { current_password: 'not-the-password' },
    });
    expectProblem(wrong, 403, 'invalid_credentials');
  });
});

describe('finishPasskeyRegistration', () => {
  test.each(['ES256', 'EdDSA'] as const)(
    'registers a %s passkey: 201 with its public fields, listed afterwards',
    async (algorithm) => {
      const user = await registeredUser(app);
      const { data, response } = await registerPasskey(app, user, new SoftwareAuthenticator(algorithm));
      expect(response.status).toBe(201);
      expect(data).toEqual({
        id: expect.any(Number),
        name: 'Test key',
        created_at: clock.now().toISOString(),
        last_used_at: null,
        backed_up: false,
        device_type: 'singleDevice',
        aaguid: '00000000-0000-0000-0000-000000000000',
      });
      expect((await list(user)).data?.items).toEqual([data]);
    },
  );

  test('a wrong origin (a phishing page) is 400 passkey_origin_mismatch', async () => {
    const user = await registeredUser(app);
    const refused = await registerPasskey(app, user, new SoftwareAuthenticator(), {
      origin: 'https://app.example.test.evil.example',
    });
    expectProblem(refused, 400, 'passkey_origin_mismatch');
    expect((await list(user)).data?.items).toEqual([]);
  });

  test('a credential made for another RP ID is 400 passkey_rp_id_mismatch', async () => {
    const user = await registeredUser(app);
    const refused = await registerPasskey(app, user, new SoftwareAuthenticator(), { rpId: 'evil.example' });
    expectProblem(refused, 400, 'passkey_rp_id_mismatch');
  });

  test('an answer to another challenge is 400 passkey_challenge_invalid', async () => {
    const user = await registeredUser(app);
    const refused = await registerPasskey(app, user, new SoftwareAuthenticator(), {
      challenge: Buffer.alloc(32, 7).toString('base64url'),
    });
    expectProblem(refused, 400, 'passkey_challenge_invalid');
  });

  test('without user verification: 400 passkey_user_verification_missing', async () => {
    const user = await registeredUser(app);
    const refused = await registerPasskey(app, user, new SoftwareAuthenticator(), { userVerified: false });
    expectProblem(refused, 400, 'passkey_user_verification_missing');
  });

  test('a challenge is used once: the second verify with it is 400 passkey_challenge_invalid', async () => {
    const user = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, user);
    const authenticator = new SoftwareAuthenticator();
    const first = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: user.auth,
      body: { challenge_id, credential: authenticator.create(options, ORIGIN) },
    });
    expect(first.response.status).toBe(201);
    const again = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: user.auth,
      body: { challenge_id, credential: authenticator.create(options, ORIGIN) },
    });
    expectProblem(again, 400, 'passkey_challenge_invalid');
  });

  test('a challenge lives 5 minutes', async () => {
    const user = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, user);
    clock.advance(301);
    const late = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: user.auth,
      body: { challenge_id, credential: new SoftwareAuthenticator().create(options, ORIGIN) },
    });
    expectProblem(late, 400, 'passkey_challenge_invalid');
  });

  test("another user's challenge is refused (400 passkey_challenge_invalid) and stays usable by its owner", async () => {
    const owner = await registeredUser(app);
    const thief = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, owner);
    const authenticator = new SoftwareAuthenticator();
    const stolen = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: thief.auth,
      body: { challenge_id, credential: authenticator.create(options, ORIGIN) },
    });
    expectProblem(stolen, 400, 'passkey_challenge_invalid');
    const own = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: owner.auth,
      body: { challenge_id, credential: authenticator.create(options, ORIGIN) },
    });
    expect(own.response.status).toBe(201);
  });

  test('a credential id registered already (to any user) is 400 passkey_already_registered', async () => {
    const first = await registeredUser(app);
    const second = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, first);
    const credential = new SoftwareAuthenticator().create(options, ORIGIN);
    expect(
      (
        await app.client.POST('/users/me/passkeys/registration/verify', {
          headers: first.auth,
          body: { challenge_id, credential },
        })
      ).response.status,
    ).toBe(201);
    // An authenticator that attests the same credential id for another account.
    const refused = await registerPasskey(app, second, new SoftwareAuthenticator(), { credentialId: credential.id });
    expectProblem(refused, 400, 'passkey_already_registered');
    const { options: third } = await registrationOptions(app, second);
    expect(third.excludeCredentials).toEqual([]);
  });

  test('a response whose id is not the credential id the authenticator attested is 400 passkey_invalid', async () => {
    const user = await registeredUser(app);
    const { challenge_id, options } = await registrationOptions(app, user);
    const credential = new SoftwareAuthenticator().create(options, ORIGIN);
    const other = Buffer.alloc(16, 1).toString('base64url');
    const refused = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: user.auth,
      body: { challenge_id, credential: { ...credential, id: other, rawId: other } },
    });
    expectProblem(refused, 400, 'passkey_invalid');
  });

  test('garbage in the credential is a 400, never a 5xx', async () => {
    const user = await registeredUser(app);
    const { challenge_id } = await registrationOptions(app, user);
    const credential = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key' as const,
      response: { clientDataJSON: 'e30', attestationObject: 'oA' },
    };
    const refused = await app.client.POST('/users/me/passkeys/registration/verify', {
      headers: user.auth,
      body: { challenge_id, credential },
    });
    expectProblem(refused, 400, 'passkey_invalid');
  });

  test('at most 10 passkeys: the options call past that is 409 passkey_limit_reached', async () => {
    const user = await registeredUser(app);
    for (let i = 0; i < 10; i += 1) await registeredPasskey(app, user, new SoftwareAuthenticator());
    const refused = await app.client.POST('/users/me/passkeys/registration/options', {
      headers: user.auth,
      body: { current_password: user.password },
    });
    expectProblem(refused, 409, 'passkey_limit_reached');
  });

  test('the owner is mailed when a passkey is added', async () => {
    const user = await registeredUser(app);
    await registeredPasskey(app, user, new SoftwareAuthenticator());
    const mail = await smtp.mailTo(user.email, /A passkey was added to your/);
    expect(mail.text).toContain('"Test key"');
  });
});

describe('renamePasskey', () => {
  test("renames one of the user's passkeys; another user's id is 404", async () => {
    const user = await registeredUser(app);
    const other = await registeredUser(app);
    const passkey = await registeredPasskey(app, user, new SoftwareAuthenticator());
    const renamed = await app.client.PATCH('/users/me/passkeys/{id}', {
      headers: user.auth,
      params: { path: { id: passkey.id } },
      body: { name: 'Work laptop' },
    });
    expect(renamed.data).toEqual({ ...passkey, name: 'Work laptop' });
    const foreign = await app.client.PATCH('/users/me/passkeys/{id}', {
      headers: other.auth,
      params: { path: { id: passkey.id } },
      body: { name: 'Mine now' },
    });
    expectProblem(foreign, 404, 'not_found');
    expect((await list(user)).data?.items.map((p) => p.name)).toEqual(['Work laptop']);
  });
});

describe('deletePasskey', () => {
  test('removes the passkey (the last one too) with the current password, and mails the owner', async () => {
    const user = await registeredUser(app);
    const passkey = await registeredPasskey(app, user, new SoftwareAuthenticator());
    const removed = await app.client.DELETE('/users/me/passkeys/{id}', {
      headers: user.auth,
      params: { path: { id: passkey.id } },
      body: { current_password: user.password },
    });
    expect(removed.response.status).toBe(204);
    expect((await list(user)).data?.items).toEqual([]);
    const mail = await smtp.mailTo(user.email, /A passkey was removed from your/);
    expect(mail.text).toContain('"Test key"');
  });

  test("another user's passkey is 404 and stays", async () => {
    const user = await registeredUser(app);
    const other = await registeredUser(app);
    const passkey = await registeredPasskey(app, user, new SoftwareAuthenticator());
    const refused = await app.client.DELETE('/users/me/passkeys/{id}', {
      headers: other.auth,
      params: { path: { id: passkey.id } },
      body: { current_password: other.password },
    });
    expectProblem(refused, 404, 'not_found');
    expect((await list(user)).data?.items).toHaveLength(1);
  });

  test('needs the current password: none is 403 reauthentication_required and the passkey stays', async () => {
    const user = await registeredUser(app);
    const passkey = await registeredPasskey(app, user, new SoftwareAuthenticator());
    const refused = await app.client.DELETE('/users/me/passkeys/{id}', {
      headers: user.auth,
      params: { path: { id: passkey.id } },
    });
    expectProblem(refused, 403, 'reauthentication_required');
    expect((await list(user)).data?.items).toHaveLength(1);
  });
});
