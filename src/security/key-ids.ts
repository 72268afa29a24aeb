import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * RFC 7638 thumbprint of the (public) key as its `kid`: derived from the key itself, so the same key
 * always gets the same id on every instance and after every restart, with nothing to configure.
 */
export async function keyIdOf(verificationKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(verificationKey.export({ format: 'jwk' }) as JWK);
}
