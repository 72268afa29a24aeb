import type { components } from '../../generated/api';

type CreationOptions = components['schemas']['PasskeyRegistrationOptions']['options'];
type RequestOptions = components['schemas']['PasskeyAuthenticationOptions']['options'];
type RegistrationResponse = components['schemas']['RegistrationResponse'];
type PasskeyGrantForm = components['schemas']['PasskeyGrantRequest'];

// Typed by the spec's request schema: a grant_type renamed in openapi.yaml fails to compile here.
export const PASSKEY_GRANT: PasskeyGrantForm['grant_type'] = 'urn:tollgate:params:oauth:grant-type:passkey';

/**
 * Runs `navigator.credentials.create()` on the server's options and answers the credential as JSON.
 * In a browser with WebAuthn Level 3: `async (options) => (await navigator.credentials.create({
 * publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })).toJSON()`; or
 * `(options) => startRegistration({ optionsJSON: options })` with @simplewebauthn/browser.
 */
export type CreatePasskey = (options: CreationOptions) => Promise<RegistrationResponse>;

/**
 * Runs `navigator.credentials.get()` on the server's options and answers the assertion as JSON
 * (`AuthenticationResponseJSON`): `parseRequestOptionsFromJSON` and `toJSON()`, or
 * `(options) => startAuthentication({ optionsJSON: options })` with @simplewebauthn/browser.
 */
export type GetPasskey = (options: RequestOptions) => Promise<object>;

/** The passkey grant's form: the challenge and the assertion, serialized as the spec asks. */
export function passkeyGrantForm(challengeId: string, assertion: object, scope?: string): PasskeyGrantForm {
  return {
    grant_type: PASSKEY_GRANT,
    challenge_id: challengeId,
    credential: JSON.stringify(assertion),
    ...(scope !== undefined && { scope }),
  };
}
