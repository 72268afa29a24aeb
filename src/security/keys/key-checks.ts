import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../config';
import { calculateJwkThumbprint, type JWK } from 'jose';

const MIN_RSA_BITS = 2048;

/**
 * Why `key` cannot sign or verify with `alg`, or undefined when it fits. Pinning each key to one
 * algorithm is what rules out alg confusion (an RSA public key used as an HMAC secret, say).
 */
export function keyAlgorithmMismatch(alg: JwtAlgorithm, key: KeyObject): string | undefined {
  const kind = key.type === 'secret' ? 'a secret' : `a key of type ${key.asymmetricKeyType ?? 'unknown'}`;
  switch (alg) {
    case 'HS256':
      return key.type === 'secret' ? undefined : `HS256 needs a secret, not ${kind}`;
    case 'RS256':
      if (key.asymmetricKeyType !== 'rsa') return `RS256 needs an RSA key, not ${kind}`;
      return (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS ? `an RS256 key must have at least ${MIN_RSA_BITS} bits` : undefined;
    case 'ES256':
      if (key.asymmetricKeyType !== 'ec') return `ES256 needs an EC P-256 key, not ${kind}`;
      return key.asymmetricKeyDetails?.namedCurve !== 'prime256v1' ? `ES256 needs the P-256 curve, not ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown one'}` : undefined;
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519' ? undefined : `EdDSA needs an Ed25519 key, not ${kind}`;
  }
}

/**
 * RFC 7638 thumbprint of the (public) key as its `kid`: derived from the key itself, so the same key
 * always gets the same id on every instance and after every restart, with nothing to configure.
 */
export async function keyIdOf(verificationKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(verificationKey.export({ format: 'jwk' }) as JWK);
}
