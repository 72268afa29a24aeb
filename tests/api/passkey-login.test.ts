import { movableClock } from '../support/clock';
import {
  bearer,
  refresh,
  registeredAdmin,
  registeredUser,
  type OAuthErrorBody,
  type TestUser,
  type TokenBody,
} from '../support/flows';
import { captureLogs } from '../support/log-capture';
import { claimsOf, enrol } from '../support/mfa';
import {
  authenticationOptions,
  ORIGIN,
  PASSKEY_ENV,
  PASSKEY_GRANT,
  passkeyGrant,
  registeredPasskey,
  signInWithPasskey,
} from '../support/passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { startTestApp, type TestApp } from '../support/test-app';

const clock = movableClock();
const logs = captureLogs();
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ ...PASSKEY_ENV, MFA_REQUIRED_FOR_ADMIN: 'true' }, clock, logs);
});
afterAll(async () => {
  await app?.close();
});

/** A user with one passkey on `authenticator`. */
async function withPasskey(
  authenticator = new SoftwareAuthenticator(),
): Promise<{ user: TestUser; authenticator: SoftwareAuthenticator }> {
  const user = await registeredUser(app);
  await registeredPasskey(app, user, authenticator);
  return { user, authenticator };
}

const REFUSAL = { error: 'invalid_grant', error_description: 'The passkey sign-in is invalid or expired.' };

async function expectRefused(response: Response): Promise<void> {
  expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: REFUSAL });
}

async function tokensOf(response: Response): Promise<TokenBody> {
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

describe('startPasskeyAuthentication', () => {
  test('answers request options for discoverable credentials: no allowCredentials, user verification required', async () => {
    const { challenge_id, options } = await authenticationOptions(app);
    expect(challenge_id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(options).toMatchObject({
      rpId: PASSKEY_ENV.WEBAUTHN_RP_ID,
      allowCredentials: [],
      userVerification: 'required',
      timeout: 300000,
    });
  });
});

describe('issueToken with the passkey grant', () => {
  test.each(['ES256', 'EdDSA'] as const)(
    'a %s passkey signs in: tokens whose amr is [hwk, user, mfa], and last_used_at is set',
    async (algorithm) => {
      const { user } = await withPasskey(new SoftwareAuthenticator(algorithm));
      const authenticator = new SoftwareAuthenticator(algorithm);
      await registeredPasskey(app, user, authenticator);
      const tokens = await tokensOf(await signInWithPasskey(app, authenticator));
      expect(claimsOf(tokens.access_token).amr).toEqual(['hwk', 'user', 'mfa']);
      const me = await app.client.GET('/users/me', { headers: bearer(tokens.access_token) });
      expect(me.data?.username).toBe(user.username);
      const listed = await app.client.GET('/users/me/passkeys', { headers: user.auth });
      expect(listed.data?.items.map((p) => p.last_used_at)).toEqual([null, clock.now().toISOString()]);
    },
  );

  test('the session list shows the amr, and a refresh keeps it', async () => {
    const { authenticator } = await withPasskey();
    const tokens = await tokensOf(await signInWithPasskey(app, authenticator));
    const sessions = await app.client.GET('/users/me/sessions', { headers: bearer(tokens.access_token) });
    expect(sessions.data?.items.filter((s) => s.current).map((s) => s.amr)).toEqual([['hwk', 'user', 'mfa']]);
    const refreshed = await tokensOf(await refresh(app, tokens.refresh_token ?? ''));
    expect(claimsOf(refreshed.access_token).amr).toEqual(['hwk', 'user', 'mfa']);
  });

  test('a user with TOTP enrolled is not asked for a code: the passkey is both factors', async () => {
    const { user, authenticator } = await withPasskey();
    await enrol(app, user, clock);
    const tokens = await tokensOf(await signInWithPasskey(app, authenticator));
    expect(claimsOf(tokens.access_token).amr).toContain('mfa');
  });

  test('MFA_REQUIRED_FOR_ADMIN accepts a passkey login for administration', async () => {
    const admin = await registeredAdmin(app);
    const authenticator = new SoftwareAuthenticator();
    await registeredPasskey(app, admin, authenticator);
    expect((await app.client.GET('/users', { headers: admin.auth })).response.status).toBe(403);
    const tokens = await tokensOf(await signInWithPasskey(app, authenticator));
    expect((await app.client.GET('/users', { headers: bearer(tokens.access_token) })).response.status).toBe(200);
  });

  test('scope narrows as with a password', async () => {
    const { authenticator } = await withPasskey();
    const { challenge_id, options } = await authenticationOptions(app);
    const tokens = await tokensOf(await passkeyGrant(app, challenge_id, authenticator.get(options, ORIGIN), 'me'));
    expect(tokens.scope).toBe('me');
  });

  test('logging out everywhere ends the sessions but keeps the passkeys', async () => {
    const { user, authenticator } = await withPasskey();
    expect((await app.client.DELETE('/users/me/sessions', { headers: user.auth })).response.status).toBe(204);
    await tokensOf(await signInWithPasskey(app, authenticator));
  });

  test('the login metrics count passkey sign-ins under grant="passkey"', async () => {
    const sample = async (outcome: string) => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      return Number(
        new RegExp(`^tollgate_login_attempts_total\\{grant="passkey",outcome="${outcome}"\\} (\\d+)`, 'm').exec(
          text,
        )?.[1] ?? 0,
      );
    };
    const { authenticator } = await withPasskey();
    const [successes, failures] = [await sample('success'), await sample('invalid_grant')];
    await tokensOf(await signInWithPasskey(app, authenticator));
    await expectRefused(await signInWithPasskey(app, authenticator, { userVerified: false }));
    expect([await sample('success'), await sample('invalid_grant')]).toEqual([successes + 1, failures + 1]);
  });

  test('the metadata document lists the grant', async () => {
    const { data } = await app.client.GET('/.well-known/oauth-authorization-server');
    expect(data?.grant_types_supported).toContain(PASSKEY_GRANT);
  });
});

describe('refused passkey sign-ins: all one 400 invalid_grant', () => {
  test('a wrong origin (a phishing page relaying the ceremony)', async () => {
    const { authenticator } = await withPasskey();
    await expectRefused(
      await signInWithPasskey(app, authenticator, { origin: 'https://app-example-test.evil.example' }),
    );
  });

  test('a wrong RP ID hash', async () => {
    const { authenticator } = await withPasskey();
    await expectRefused(await signInWithPasskey(app, authenticator, { rpId: 'evil.example' }));
  });

  test('without user verification', async () => {
    const { authenticator } = await withPasskey();
    await expectRefused(await signInWithPasskey(app, authenticator, { userVerified: false }));
  });

  test('a signature over another challenge', async () => {
    const { authenticator } = await withPasskey();
    await expectRefused(
      await signInWithPasskey(app, authenticator, { challenge: Buffer.alloc(32, 9).toString('base64url') }),
    );
  });

  test('a challenge is used once: the same assertion again is refused', async () => {
    const { authenticator } = await withPasskey();
    const { challenge_id, options } = await authenticationOptions(app);
    const assertion = authenticator.get(options, ORIGIN);
    await tokensOf(await passkeyGrant(app, challenge_id, assertion));
    await expectRefused(await passkeyGrant(app, challenge_id, assertion));
  });

  test('a challenge lives 5 minutes', async () => {
    const { authenticator } = await withPasskey();
    const { challenge_id, options } = await authenticationOptions(app);
    clock.advance(301);
    await expectRefused(await passkeyGrant(app, challenge_id, authenticator.get(options, ORIGIN)));
  });

  test('a counter that does not increase (a cloned authenticator) is refused and audited', async () => {
    const { user, authenticator } = await withPasskey();
    await tokensOf(await signInWithPasskey(app, authenticator));
    await tokensOf(await signInWithPasskey(app, authenticator));
    await expectRefused(await signInWithPasskey(app, authenticator, { counter: 1 }));
    const me = await app.client.GET('/users/me', { headers: user.auth });
    expect(logs.text()).toContain(`"event":"passkey_counter_regression","user_id":${me.data?.id}`);
  });

  test("a user handle naming another account than the credential's", async () => {
    const { authenticator } = await withPasskey();
    const { authenticator: victims } = await withPasskey();
    const { options } = await authenticationOptions(app);
    const victimHandle = victims.get(options, ORIGIN).response.userHandle;
    await expectRefused(await signInWithPasskey(app, authenticator, { userHandle: victimHandle }));
  });

  test('an unknown credential', async () => {
    const stranger = new SoftwareAuthenticator();
    stranger.create(
      { ...(await registrationOptionsShape()), rp: { id: PASSKEY_ENV.WEBAUTHN_RP_ID, name: 'x' } },
      ORIGIN,
    );
    await expectRefused(await signInWithPasskey(app, stranger));
  });

  test('a deactivated user', async () => {
    const { user, authenticator } = await withPasskey();
    const admin = await registeredAdmin(app);
    const me = await app.client.GET('/users/me', { headers: user.auth });
    // The admin's own login was a password: make it a passkey one, as MFA_REQUIRED_FOR_ADMIN wants.
    const adminKey = new SoftwareAuthenticator();
    await registeredPasskey(app, admin, adminKey);
    const adminTokens = await tokensOf(await signInWithPasskey(app, adminKey));
    const patched = await app.client.PATCH('/users/{id}', {
      params: { path: { id: me.data?.id ?? 0 } },
      body: { is_active: false },
      headers: bearer(adminTokens.access_token),
    });
    expect(patched.response.status).toBe(200);
    await expectRefused(await signInWithPasskey(app, authenticator));
  });

  test('a credential that is not JSON', async () => {
    const { challenge_id } = await authenticationOptions(app);
    const response = await app.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PASSKEY_GRANT, challenge_id, credential: '{not json' }).toString(),
    });
    await expectRefused(response);
  });
});

/** Minimal creation options for an authenticator that registers nowhere (an unknown credential). */
async function registrationOptionsShape() {
  return {
    challenge: 'AAAA',
    user: { id: Buffer.alloc(32, 3).toString('base64url'), name: 'nobody', displayName: 'nobody' },
    pubKeyCredParams: [{ alg: -7, type: 'public-key' as const }],
    timeout: 1,
    attestation: 'none' as const,
    excludeCredentials: [],
    authenticatorSelection: {},
  };
}

describe('passkey sign-ins count against the login limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ ...PASSKEY_ENV, LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_IP: '4' });
  });
  afterAll(async () => {
    await limited?.close();
  });

  test('failures naming an account lock that account from this address, password grant included (429 + Retry-After)', async () => {
    const user = await registeredUser(limited);
    const authenticator = new SoftwareAuthenticator();
    await registeredPasskey(limited, user, authenticator);
    for (let i = 0; i < 2; i += 1)
      await expectRefused(await signInWithPasskey(limited, authenticator, { origin: 'https://evil.example' }));
    const locked = await signInWithPasskey(limited, authenticator);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as OAuthErrorBody).error).toBe('temporarily_unavailable');
    const password = await limited.raw('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: user.username,
        password: user.password,
      }).toString(),
    });
    expect(password.status).toBe(429);
  });

  test('failures naming no account count per client address', async () => {
    const responses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { challenge_id } = await authenticationOptions(limited);
      responses.push((await passkeyGrant(limited, challenge_id, { id: 'AAAA', response: {} })).status);
    }
    expect(responses).toContain(429);
  });
});
