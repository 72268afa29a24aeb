import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { components } from '../../generated/api';

type CreationOptions = components['schemas']['PasskeyRegistrationOptions']['options'];
type RequestOptions = components['schemas']['PasskeyAuthenticationOptions']['options'];
type RegistrationResponseJSON = components['schemas']['RegistrationResponse'];

export type Algorithm = 'ES256' | 'EdDSA';

/** What a test may bend in one ceremony, to play a phishing page, a cloned key or a lazy authenticator. */
export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  challenge?: string;
  /** User verification (PIN, biometrics); true unless a test says otherwise. */
  userVerified?: boolean;
  /** Force the signature counter (a cloned authenticator replays an old value). */
  counter?: number;
  /** Another user handle than the credential's own (a handle naming someone else). */
  userHandle?: string;
  /** Registration: attest this credential id (base64url) instead of a fresh random one. */
  credentialId?: string;
}

interface StoredCredential {
  readonly id: Buffer;
  readonly privateKey: KeyObject;
  readonly cose: Uint8Array;
  readonly rpId: string;
  readonly userHandle: string;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

/**
 * A CTAP2 authenticator in software for the tests (node:crypto): makes discoverable credentials
 * with attestation `none`, signs assertions, and counts signatures like a hardware key.
 * authenticatorData is built by hand (WebAuthn §6.1), its maps with the verifier's own CBOR encoder.
 */
export class SoftwareAuthenticator {
  private readonly credentials: StoredCredential[] = [];

  constructor(
    readonly algorithm: Algorithm = 'ES256',
    /** Counts from 0 and never counts up when false (as synced passkeys do). */
    private readonly counts = true,
  ) {}

  /** navigator.credentials.create(): a new credential for options.user on options.rp.id. */
  create(options: CreationOptions, origin: string, overrides: CeremonyOverrides = {}): RegistrationResponseJSON {
    const rpId = overrides.rpId ?? options.rp.id;
    const id =
      overrides.credentialId === undefined ? randomBytes(16) : Buffer.from(overrides.credentialId, 'base64url');
    const { privateKey, publicKey } =
      this.algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const credential: StoredCredential = {
      id,
      privateKey,
      cose: coseKey(this.algorithm, publicKey),
      rpId: options.rp.id,
      userHandle: options.user.id,
      counter: 0,
    };
    this.credentials.push(credential);
    const attested = Buffer.concat([Buffer.alloc(16), u16(id.length), id, credential.cose]);
    const authData = authenticatorData(
      rpId,
      FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV) | FLAG_AT,
      0,
      attested,
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const clientDataJSON = clientData(
      'webauthn.create',
      overrides.challenge ?? options.challenge,
      overrides.origin ?? origin,
    );
    return {
      id: id.toString('base64url'),
      rawId: id.toString('base64url'),
      type: 'public-key',
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get() with an empty allowCredentials: the newest credential for the RP ID signs. */
  get(options: RequestOptions, origin: string, overrides: CeremonyOverrides = {}): AuthenticationResponseJSON {
    const credential = [...this.credentials].reverse().find((c) => c.rpId === options.rpId);
    if (!credential) throw new Error(`no credential for ${options.rpId}`);
    if (this.counts) credential.counter += 1;
    const counter = overrides.counter ?? (this.counts ? credential.counter : 0);
    const authData = authenticatorData(
      overrides.rpId ?? options.rpId,
      FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV),
      counter,
    );
    const clientDataJSON = clientData(
      'webauthn.get',
      overrides.challenge ?? options.challenge,
      overrides.origin ?? origin,
    );
    const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
    // WebAuthn: ES256 signatures are DER (ASN.1), EdDSA ones raw.
    const signature =
      this.algorithm === 'ES256'
        ? sign('sha256', signed, { key: credential.privateKey, dsaEncoding: 'der' })
        : sign(null, signed, credential.privateKey);
    return {
      id: credential.id.toString('base64url'),
      rawId: credential.id.toString('base64url'),
      type: 'public-key',
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: overrides.userHandle ?? credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

function authenticatorData(rpId: string, flags: number, counter: number, attested: Buffer = Buffer.alloc(0)): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, attested]);
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** RFC 9053 COSE_Key: EC2 P-256 for ES256 (-7), OKP Ed25519 for EdDSA (-8). */
function coseKey(algorithm: Algorithm, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  const entries: [number, unknown][] =
    algorithm === 'ES256'
      ? [
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, x],
          [-3, Buffer.from(jwk.y ?? '', 'base64url')],
        ]
      : [
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, x],
        ];
  return isoCBOR.encode(new Map(entries.map(([k, v]) => [k, v instanceof Buffer ? new Uint8Array(v) : v])) as never);
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}
