import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { randomBytes } from 'node:crypto';
import type { components } from '../../../generated/api';
import { audit } from '../../audit';
import type { PasskeyRow } from '../../db/passkey-schema';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import { withMail } from '../mail-transaction';
import {
  countPasskeysOfUser,
  findUserHandle,
  insertPasskey,
  insertUserHandle,
  selectPasskeysOfUser,
} from '../../repositories/passkeys.repository';
import { CHALLENGE_TTL_SECONDS, spendChallenge, storeChallenge } from './challenges';
import { refusalOf, type CeremonyRefusal } from './refusals';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger' | 'metrics' | 'outbox'>;
type CreationOptions = components['schemas']['PasskeyRegistrationOptions']['options'];

/** At most this many passkeys per account: enough for every device, few enough to list. */
export const MAX_PASSKEYS_PER_USER = 10;
/** COSE algorithms accepted: EdDSA, ES256, RS256 (what browsers and authenticators use). */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];
/** The transports WebAuthn names; anything else a client reports is not stored (nor echoed in excludeCredentials). */
const TRANSPORTS: ReadonlySet<string> = new Set<AuthenticatorTransportFuture>([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

export type RegistrationStart =
  | { readonly outcome: 'started'; readonly challengeId: string; readonly options: CreationOptions }
  | { readonly outcome: 'limit_reached' };

/** Creation options for a discoverable credential with user verification; the user's passkeys excluded. */
export async function startPasskeyRegistration(deps: Deps, user: UserRow): Promise<RegistrationStart> {
  const existing = await selectPasskeysOfUser(deps.db, user.id);
  if (existing.length >= MAX_PASSKEYS_PER_USER) return { outcome: 'limit_reached' };
  const { webauthn } = deps.config;
  const options = await generateRegistrationOptions({
    rpName: webauthn.rpName,
    rpID: webauthn.rpId,
    userName: user.username,
    userDisplayName: user.username,
    userID: Buffer.from(await userHandle(deps, user.id), 'base64url'),
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.credential_id,
      ...(p.transports !== '' && { transports: p.transports.split(',') as AuthenticatorTransportFuture[] }),
    })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  const challengeId = await storeChallenge(deps, options.challenge, 'registration', user);
  return { outcome: 'started', challengeId, options: options as CreationOptions };
}

/**
 * The user's WebAuthn user handle: 32 random bytes made on their first registration, so an
 * authenticator (and whoever reads it) never learns the database id or the username.
 */
async function userHandle(deps: Deps, userId: number): Promise<string> {
  const found = await findUserHandle(deps.db, userId);
  if (found !== undefined) return found;
  await insertUserHandle(deps.db, userId, randomBytes(32).toString('base64url'));
  // Re-read: of two concurrent first registrations, the handle stored first is everyone's.
  return (await findUserHandle(deps.db, userId)) as string;
}

export type RegistrationFinish =
  | { readonly outcome: 'registered'; readonly passkey: PasskeyRow }
  | { readonly outcome: 'challenge_invalid' | 'already_registered' | 'limit_reached' }
  /** A wrong challenge is `challenge_invalid`; every other refusal of the verifier keeps its reason. */
  | { readonly outcome: 'refused'; readonly reason: Exclude<CeremonyRefusal, 'wrong_challenge'> };

type Credential = components['schemas']['RegistrationResponse'];

/** Verifies the authenticator's answer to this user's live challenge and stores the passkey. */
export async function finishPasskeyRegistration(
  deps: Deps,
  user: UserRow,
  challengeId: string,
  credential: Credential,
  name: string | undefined,
): Promise<RegistrationFinish> {
  const challenge = await spendChallenge(deps, challengeId, 'registration', user.id);
  // A password change (or logout everywhere) since the options were asked for voids the proof they carried.
  if (!challenge || challenge.token_version !== user.token_version) return { outcome: 'challenge_invalid' };
  const verified = await verify(deps, challenge.challenge, credential);
  if ('refused' in verified) {
    audit(deps.logger, 'passkey_registration_failed', { user_id: user.id, reason: verified.refused });
    return verified.refused === 'wrong_challenge'
      ? { outcome: 'challenge_invalid' }
      : { outcome: 'refused', reason: verified.refused };
  }
  const { info } = verified;
  const now = deps.clock.now().toISOString();
  const passkey = await withMail(deps, async (trx, queue) => {
    // Counted again here: options asked for in parallel must not add up past the limit.
    if ((await countPasskeysOfUser(trx, user.id)) >= MAX_PASSKEYS_PER_USER) return 'limit_reached' as const;
    const row = await insertPasskey(trx, {
      user_id: user.id,
      credential_id: info.credential.id,
      public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: (credential.response.transports ?? []).filter((t) => TRANSPORTS.has(t)).join(','),
      name: name ?? 'Passkey',
      aaguid: info.aaguid,
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      created_at: now,
      last_used_at: null,
    });
    if (row) await queue(user.email, { kind: 'passkey_added', name: row.name });
    return row ?? ('already_registered' as const);
  });
  if (typeof passkey === 'string') return { outcome: passkey };
  audit(deps.logger, 'passkey_registered', { user_id: user.id, passkey_id: passkey.id });
  return { outcome: 'registered', passkey };
}

type Verified =
  | { info: NonNullable<Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo']> }
  | { refused: CeremonyRefusal };

async function verify(deps: Deps, expectedChallenge: string, credential: Credential): Promise<Verified> {
  const { webauthn } = deps.config;
  try {
    const result = await verifyRegistrationResponse({
      // The spec validated its shape; the library checks every member it reads.
      response: credential as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: [...webauthn.origins],
      expectedRPID: webauthn.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    // The response must name the credential the authenticator attested (the library reads only the latter).
    if (!result.verified || result.registrationInfo.credential.id !== credential.id) return { refused: 'invalid' };
    return { info: result.registrationInfo };
  } catch (error) {
    return { refused: refusalOf(error) };
  }
}
