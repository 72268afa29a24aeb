import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app does it by default: HMAC-SHA-1, 6 digits, 30-second steps. */
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side: a code typed just as it changes, or a phone clock a little off, still works. */
const WINDOW = 1;
/** RFC 4226 §4 recommends 160 bits, the length of the HMAC-SHA-1 key. */
const SECRET_BYTES = 20;

/** A new shared secret, base32 (RFC 4648) as authenticators expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The Key Uri Format that authenticator apps scan from a QR code: issuer and account in the label and as `issuer`. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), ...PARAMETERS }).toString();
}

/**
 * The time step a code belongs to, when it is valid at `now` (±1 step), else undefined. The step,
 * not a yes/no, so the caller can refuse any step at or before the last one accepted (no replay).
 */
export function acceptedStep(secret: string, code: string, now: Date): number | undefined {
  const timestamp = now.getTime();
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), timestamp, window: WINDOW, ...PARAMETERS });
  return delta === null ? undefined : TOTP.counter({ period: PARAMETERS.period, timestamp }) + delta;
}

/** The code for a time (tests and the CLI play the authenticator with it). */
export function totpCode(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime(), ...PARAMETERS });
}
