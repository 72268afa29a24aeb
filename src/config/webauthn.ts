import { httpUrl, type EnvReader } from './env-reader';

export interface WebAuthnConfig {
  /** The relying party id: a registrable domain (or `localhost`); passkeys are bound to it. */
  readonly rpId: string;
  readonly rpName: string;
  /** Exact origins a ceremony may come from (`clientDataJSON.origin`). */
  readonly origins: readonly string[];
}

export interface WebAuthnSettings {
  /** Passkeys (docs/passkeys.md). */
  readonly webauthn: WebAuthnConfig;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const RP_NAME = /^[^\u0000-\u001F\u007F]{1,64}$/;

/**
 * WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME, WEBAUTHN_ORIGINS. Defaults: in production the host and origin of
 * PUBLIC_URL; in development `localhost` and http://localhost:PORT (what the README says to open).
 */
export function readWebAuthnConfig(
  read: EnvReader,
  production: boolean,
  publicUrl: string | undefined,
  port: number,
): WebAuthnSettings {
  const fallback = production && publicUrl !== undefined ? new URL(publicUrl) : new URL(`http://localhost:${port}`);
  const explicitRpId = read.text('WEBAUTHN_RP_ID');
  const rpId = (explicitRpId ?? fallback.hostname).toLowerCase();
  const rpName = read.text('WEBAUTHN_RP_NAME') ?? 'tollgate';
  if (!RP_NAME.test(rpName))
    read.problems.push(`WEBAUTHN_RP_NAME must be 1 to 64 characters without control characters (got "${rpName}")`);
  const origins = readOrigins(read, fallback.origin);
  // Browsers refuse an IP address as RP ID, and an RP ID that is not a suffix of the page's host. A
  // PUBLIC_URL with an IP address (a load test) still starts: only its passkey ceremonies cannot succeed.
  if (explicitRpId !== undefined && isIpAddress(rpId))
    read.problems.push(
      `WEBAUTHN_RP_ID must be a domain name, not an IP address (got "${rpId}"); open http://localhost:PORT in development`,
    );
  else if (production) {
    for (const origin of origins) {
      const host = new URL(origin).hostname;
      if (!isDomainSuffix(rpId, host))
        read.problems.push(
          `WEBAUTHN_RP_ID "${rpId}" must be the host of every WEBAUTHN_ORIGINS entry or a parent domain of it (not of "${origin}")`,
        );
    }
  }
  return { webauthn: { rpId, rpName, origins } };
}

function readOrigins(read: EnvReader, fallback: string): string[] {
  const raw = read.text('WEBAUTHN_ORIGINS');
  if (raw === undefined) return [fallback];
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  const valid = list.filter((origin) => httpUrl(origin)?.origin === origin);
  for (const origin of list.filter((o) => !valid.includes(o))) {
    read.problems.push(`WEBAUTHN_ORIGINS entries must be origins like https://app.example.com (got "${origin}")`);
  }
  if (list.length === 0) read.problems.push('WEBAUTHN_ORIGINS must list at least one origin');
  return valid;
}

/** True when `host` is `rpId` or a subdomain of it (WebAuthn §5.1.3: the RP ID is a registrable suffix of the origin's host). */
export function isDomainSuffix(rpId: string, host: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') || host.startsWith('[');
}
