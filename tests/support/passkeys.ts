import type { components } from '../../generated/api';
import { tokenRequest, type TestUser } from './flows';
import type { CeremonyOverrides, SoftwareAuthenticator } from './software-authenticator';
import type { TestApp } from './test-app';

export const PASSKEY_GRANT = 'urn:tollgate:params:oauth:grant-type:passkey';
/** The relying party the passkey test apps run as (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS). */
export const RP_ID = 'app.example.test';
export const ORIGIN = 'https://app.example.test';
export const PASSKEY_ENV = { WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: ORIGIN };

type Passkey = components['schemas']['Passkey'];

export async function registrationOptions(app: TestApp, user: TestUser) {
  const { data, response } = await app.client.POST('/users/me/passkeys/registration/options', {
    headers: user.auth,
    body: { current_password: user.password },
  });
  if (!data) throw new Error(`registration options failed: ${response.status}`);
  return data;
}

/** Options on `app`, the authenticator's answer (bent by `overrides`) sent to `finishOn` (another instance, or the same). */
export async function registerPasskey(
  app: TestApp,
  user: TestUser,
  authenticator: SoftwareAuthenticator,
  overrides: CeremonyOverrides = {},
  finishOn: TestApp = app,
) {
  const { challenge_id, options } = await registrationOptions(app, user);
  const credential = authenticator.create(options, ORIGIN, overrides);
  return finishOn.client.POST('/users/me/passkeys/registration/verify', {
    headers: user.auth,
    body: { challenge_id, credential, name: 'Test key' },
  });
}

/** Registers and expects 201. */
export async function registeredPasskey(
  app: TestApp,
  user: TestUser,
  authenticator: SoftwareAuthenticator,
): Promise<Passkey> {
  const { data, response } = await registerPasskey(app, user, authenticator);
  if (!data)
    throw new Error(`passkey registration failed: ${response.status} ${JSON.stringify(await response.clone().text())}`);
  return data;
}

export async function authenticationOptions(app: TestApp) {
  const { data, response } = await app.client.POST('/passkeys/authentication/options');
  if (!data) throw new Error(`authentication options failed: ${response.status}`);
  return data;
}

export function passkeyGrant(
  app: TestApp,
  challengeId: string,
  credential: unknown,
  scope?: string,
): Promise<Response> {
  return app.raw(
    '/token',
    tokenRequest({
      grant_type: PASSKEY_GRANT,
      challenge_id: challengeId,
      credential: JSON.stringify(credential),
      ...(scope !== undefined && { scope }),
    }),
  );
}

/** A whole passkey sign-in: options on `app`, the assertion (bent by `overrides`) to /token on `finishOn`. */
export async function signInWithPasskey(
  app: TestApp,
  authenticator: SoftwareAuthenticator,
  overrides: CeremonyOverrides = {},
  finishOn: TestApp = app,
): Promise<Response> {
  const { challenge_id, options } = await authenticationOptions(app);
  return passkeyGrant(finishOn, challenge_id, authenticator.get(options, ORIGIN, overrides));
}
