import type { OpenAPIV3_1 } from 'openapi-types';
import { validationFailed, type FieldError } from '../errors';

/** Decimal digits, no leading zero, no `+`, spaces, fraction, exponent or hex: what `String(n)` writes. */
const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;

export interface IntegerParameter {
  readonly in: 'path' | 'query';
  readonly name: string;
}

type Schema = { type?: unknown; items?: Schema };

/** The integer path and query parameters among an operation's (dereferenced) parameters. */
export function integerParametersOf(parameters: readonly OpenAPIV3_1.ParameterObject[]): IntegerParameter[] {
  return parameters.flatMap((parameter): IntegerParameter[] => {
    if (parameter.in !== 'path' && parameter.in !== 'query') return [];
    const schema = (parameter.schema ?? {}) as Schema;
    const integer = schema.type === 'integer' || (schema.type === 'array' && schema.items?.type === 'integer');
    return integer ? [{ in: parameter.in, name: parameter.name }] : [];
  });
}

/**
 * ajv's coerceTypes turns `01`, `+1`, `1.0`, `1e0`, `0x1` and ` 1` into 1, so one resource
 * had many URLs and one query many spellings. Before validation coerces anything, the raw
 * string of every integer path or query parameter the spec declares must be the one spelling
 * `String(n)` would give.
 */
export function requireCanonicalIntegers(
  integers: readonly IntegerParameter[],
  path: Readonly<Record<string, string | undefined>>,
  query: Readonly<Record<string, string | string[] | undefined>>,
): void {
  if (integers.length === 0) return;
  const errors = integers.filter((p) => !allCanonical(p.in === 'path' ? path[p.name] : query[p.name]));
  if (errors.length > 0) throw validationFailed(errors.map(toFieldError));
}

function allCanonical(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  return (Array.isArray(value) ? value : [value]).every((item) => CANONICAL_INTEGER.test(item));
}

function toFieldError(parameter: IntegerParameter): FieldError {
  return {
    location: parameter.in,
    field: parameter.name,
    message: 'must be an integer in plain decimal digits (no sign, leading zero, space, fraction, exponent or hex)',
  };
}
