import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import type { components } from '../../../generated/api';
import { audit, type PasskeyFailure } from '../../audit';
import type { PasskeyRow } from '../../db/passkey-schema';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import {
  findPasskeyByCredentialId,
  findUserIdByHandle,
  recordPasskeyUse,
} from '../../repositories/passkeys.repository';
import { findUserById } from '../../repositories/users.repository';
import { admitLoginOf } from '../attempt-limits';
import { CHALLENGE_TTL_SECONDS, spendChallenge, storeChallenge } from './challenges';
import { refusalOf } from './refusals';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger'>;
type RequestOptions = components['schemas']['PasskeyAuthenticationOptions']['options'];

/** Request options for a discoverable credential: no allowCredentials, so nothing names an account. */
export async function startPasskeyAuthentication(
  deps: Deps,
): Promise<{ challengeId: string; options: RequestOptions }> {
  const options = await generateAuthenticationOptions({
    rpID: deps.config.webauthn.rpId,
    allowCredentials: [],
    userVerification: 'required',
    timeout: CHALLENGE_TTL_SECONDS * 1000,
  });
  const challengeId = await storeChallenge(deps, options.challenge, 'authentication');
  return { challengeId, options: { ...options, allowCredentials: [], userVerification: 'required' } as RequestOptions };
}

/** Every failure is one outcome: the client is told nothing about which check failed (the audit log is). */
export type PasskeyLogin =
  | { readonly outcome: 'authenticated'; readonly user: UserRow; readonly amr: readonly string[] }
  | { readonly outcome: 'throttled'; readonly retryAfter: number }
  | { readonly outcome: 'invalid' };

/**
 * RFC 8176: a passkey is a proof of possession of a key (`hwk` when it cannot leave its device,
 * `swk` for a synced one) with a user-verification gesture (`user`); possession plus PIN or
 * biometrics is two factors (`mfa`), which MFA_REQUIRED_FOR_ADMIN accepts.
 */
export function passkeyAmr(deviceType: PasskeyRow['device_type']): readonly string[] {
  return [deviceType === 'multiDevice' ? 'swk' : 'hwk', 'user', 'mfa'];
}

/** The user whose passkey signed the challenge `challengeId` names, or why not. */
export async function authenticatePasskey(
  deps: Deps,
  challengeId: string,
  credentialJson: string,
  clientIp: string,
): Promise<PasskeyLogin> {
  const credential = parseCredential(credentialJson);
  const user = credential && (await userOfHandle(deps, credential.response.userHandle));
  const admission = await admitLoginOf(deps, user?.username, clientIp);
  if (admission.outcome === 'throttled') {
    audit(deps.logger, 'login_throttled', {
      user_id: user?.id,
      limit: admission.limit,
      retry_after: admission.retryAfter,
    });
    return { outcome: 'throttled', retryAfter: admission.retryAfter };
  }
  const result = credential ? await check(deps, challengeId, credential, user) : ({ failure: 'malformed' } as const);
  if ('failure' in result) {
    audit(
      deps.logger,
      result.failure === 'counter_regression' ? 'passkey_counter_regression' : 'passkey_login_failed',
      { user_id: user?.id, reason: result.failure },
    );
    return { outcome: 'invalid' };
  }
  await admission.succeeded();
  audit(deps.logger, 'passkey_login_succeeded', { user_id: result.user.id, passkey_id: result.passkeyId });
  return { outcome: 'authenticated', user: result.user, amr: passkeyAmr(result.deviceType) };
}

type Checked =
  { user: UserRow; passkeyId: number; deviceType: PasskeyRow['device_type'] } | { failure: PasskeyFailure };

async function check(
  deps: Deps,
  challengeId: string,
  credential: AuthenticationResponseJSON,
  user: UserRow | undefined,
): Promise<Checked> {
  const challenge = await spendChallenge(deps, challengeId, 'authentication');
  if (!challenge) return { failure: 'challenge' };
  const passkey = await findPasskeyByCredentialId(deps.db, credential.id);
  // The passkey must be the one the user handle's account registered: a handle naming someone else is refused.
  if (!passkey || !user || passkey.user_id !== user.id) return { failure: 'unknown_credential' };
  if (user.is_active !== 1) return { failure: 'inactive_user' };
  const { webauthn } = deps.config;
  const counter = Number(passkey.counter);
  try {
    const result = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: challenge.challenge,
      expectedOrigin: [...webauthn.origins],
      expectedRPID: webauthn.rpId,
      credential: { id: passkey.credential_id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter },
      requireUserVerification: true,
    });
    if (!result.verified) return { failure: 'bad_signature' };
    const { newCounter, credentialDeviceType } = result.authenticationInfo;
    // Conditional on the counter read: two uses of one counter value (a cloned authenticator racing) make one login.
    if (!(await recordPasskeyUse(deps.db, passkey.id, counter, newCounter, deps.clock.now().toISOString())))
      return { failure: 'counter_regression' };
    return { user, passkeyId: passkey.id, deviceType: credentialDeviceType };
  } catch (error) {
    const refusal = refusalOf(error);
    return { failure: refusal === 'invalid' || refusal === 'wrong_challenge' ? 'bad_signature' : refusal };
  }
}

async function userOfHandle(deps: Deps, handle: string | undefined): Promise<UserRow | undefined> {
  const userId = handle === undefined ? undefined : await findUserIdByHandle(deps.db, handle);
  return userId === undefined ? undefined : findUserById(deps.db, userId);
}

/** The form's `credential`: a JSON object with the members the lookups need; the library checks the rest. */
function parseCredential(json: string): AuthenticationResponseJSON | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) return undefined;
    const candidate = value as { id?: unknown; response?: { userHandle?: unknown } };
    if (typeof candidate.id !== 'string' || typeof candidate.response !== 'object' || candidate.response === null)
      return undefined;
    if (candidate.response.userHandle !== undefined && typeof candidate.response.userHandle !== 'string')
      return undefined;
    return value as AuthenticationResponseJSON;
  } catch {
    return undefined;
  }
}
