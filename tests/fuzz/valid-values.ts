import fc from 'fast-check';
import { specAccepts } from './oracle';
import type { Schema } from './spec-model';

const INT32 = 2 ** 31 - 1;

/** Values the schema accepts, built from its keywords and checked by the oracle. */
export function validValue(schema: Schema): fc.Arbitrary<unknown> {
  return candidates(schema).filter((value) => specAccepts(schema, value));
}

function candidates(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map(validValue));
  if (schema.allOf?.length === 1 && schema.allOf[0])
    return candidates({ ...schema, ...schema.allOf[0], allOf: undefined });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (primaryType(schema)) {
    case 'string':
      return stringValue(schema);
    case 'integer':
      return integerValue(schema);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return arrayValue(schema);
    case 'object':
      return objectValue(schema);
    default:
      return fc.constant(null);
  }
}

export function primaryType(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

function stringValue(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 300;
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const raw = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern, 'u'))
    : fc.oneof(fc.string({ unit: 'grapheme', maxLength: max }), anyText(max));
  return raw.map((s) => fitLength(s, min, max));
}

const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point));

/** Any code points, lone surrogates included (fast-check's own `binary` unit takes seconds to set up). */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: codePoint, maxLength });
}

/** Repeats a short string and cuts a long one (in code points, as JSON Schema counts) into the length range. */
function fitLength(value: string, min: number, max: number): string {
  let points = Array.from(value);
  if (points.length === 0) return value;
  while (points.length < min) points = [...points, ...points];
  return points.slice(0, max).join('');
}

function integerValue(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -INT32;
  const max = schema.maximum ?? INT32;
  // Small values find the rows that exist (ids, page sizes); the full range finds the edges.
  return fc.oneof(
    fc.integer({ min, max: Math.min(max, min + 30) }),
    fc.integer({ min, max }),
    fc.constantFrom(min, max),
  );
}

function arrayValue(schema: Schema): fc.Arbitrary<unknown[]> {
  const constraints = { minLength: schema.minItems ?? 0, maxLength: schema.maxItems ?? 5 };
  const items = validValue(schema.items ?? {});
  return schema.uniqueItems
    ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
    : fc.array(items, constraints);
}

function objectValue(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, s]) => [name, validValue(s)]),
  );
  return fc.record(properties, { requiredKeys: schema.required ?? [] });
}
