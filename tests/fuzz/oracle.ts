import Ajv, { type ValidateFunction } from 'ajv';
import { withFormats } from '../../src/http/openapi/ajv';
import type { Schema } from './spec-model';

// No type coercion: the oracle judges the value exactly as it travels in JSON.
const ajv = withFormats(new Ajv({ strict: false }));
const compiled = new WeakMap<Schema, ValidateFunction>();

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string with a lone UTF-16 surrogate is not Unicode text (RFC 8259 §8.2): it cannot be stored
 * or echoed back unchanged, so the API must refuse it even where the schema's pattern allows it.
 */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(v));
  return false;
}

/** Whether the spec accepts this value for this schema. */
export function specAccepts(schema: Schema, value: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) && !hasLoneSurrogate(value);
}

/** valid: the spec accepts it; invalid: it refuses it; lenient: not canonical, but a server may read it either way. */
export type Verdict = 'valid' | 'invalid' | 'lenient';

const CANONICAL_INTEGER = /^(0|-?[1-9]\d*)$/;

/** A path, query or cookie parameter arrives as text; this judges the decoded text against the parameter's schema. */
export function parameterVerdict(schema: Schema, text: string): Verdict {
  if (schema.type !== 'integer') return specAccepts(schema, text) ? 'valid' : 'invalid';
  if (CANONICAL_INTEGER.test(text)) return specAccepts(schema, Number(text)) ? 'valid' : 'invalid';
  // `01`, `1e1`, `0x10` or ` 1` are not integers as written, though type coercion may read one.
  const coerced = text.trim() === '' ? NaN : Number(text);
  return Number.isInteger(coerced) && specAccepts(schema, coerced) ? 'lenient' : 'invalid';
}

/** What the server sees of a string with lone surrogates once it is UTF-8 on the wire. */
export function wellFormed(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
