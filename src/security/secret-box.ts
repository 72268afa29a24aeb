import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A 32-byte AES key and the id stored beside every value it sealed (so keys can be rotated). */
export interface BoxKey {
  readonly id: string;
  readonly key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The id names the key without revealing it: the first 8 bytes of its SHA-256, hex. */
export function boxKey(key: Buffer): BoxKey {
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/**
 * AES-256-GCM with a random 96-bit IV; `context` (e.g. the user id) is bound as additional data,
 * so a sealed value copied onto another row does not open there. Output: base64url(iv | tag | ciphertext).
 */
export function seal(key: BoxKey, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

/** The plaintext, or undefined when the value was not sealed by this key for this context. */
export function open(key: BoxKey, sealed: string, context: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES)).setAAD(
      Buffer.from(context, 'utf8'),
    );
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
