import fc from 'fast-check';
import type { Schema } from './spec-model';
import { anyText, primaryType, validValue } from './valid-values';

/** Text that breaks naive code: control characters, lone surrogates, RTL override, zero-width and combining marks, emoji, quoting. */
export const ODD_TEXT = [
  '\u0000',
  '\u0001',
  '\u007f',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u200b',
  '\u0301',
  '\ufeff',
  '😀',
  '👩‍👩‍👧',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '%00',
  '%',
  '"',
  "'",
  '\\',
  '<script>',
  'é',
  'e\u0301',
  "' OR 1=1 --",
  '${x}',
  '../',
] as const;

const WRONG_TYPES: readonly unknown[] = [0, 1, -1, 1.5, true, false, '', 'true', '1', null, [], {}, ['x'], { a: 1 }];

/** Values of the wrong shape for this schema, or of the right type but just outside its limits. */
export function hostileValue(schema: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...WRONG_TYPES)];
  const type = primaryType(schema);
  if (type === 'string' || schema.enum || schema.const !== undefined) options.push(hostileText(schema));
  if (type === 'integer' || type === 'number') options.push(hostileNumber(schema));
  if (type === 'array') options.push(hostileArray(schema));
  return fc.oneof(...options);
}

function hostileText(schema: Schema): fc.Arbitrary<string> {
  const valid = validValue(schema).map(String);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 1000;
  return fc.oneof(
    fc.tuple(valid, fc.constantFrom(...ODD_TEXT), fc.nat()).map(([text, odd, at]) => insertAt(text, odd, at)),
    valid.map((text) => repeatTo(text, max + 1)),
    valid.map((text) =>
      Array.from(text)
        .slice(0, Math.max(0, min - 1))
        .join(''),
    ),
    // Long, yet small enough for a URL or a cookie: Node refuses headers over 16 KB before the app sees them.
    fc.constant('x'.repeat(5000)),
    anyText(40),
  );
}

function insertAt(text: string, odd: string, at: number): string {
  const points = Array.from(text);
  const index = at % (points.length + 1);
  return [...points.slice(0, index), odd, ...points.slice(index)].join('');
}

function repeatTo(text: string, length: number): string {
  const unit = Array.from(text.length > 0 ? text : 'a');
  let points = unit;
  while (points.length < length) points = [...points, ...unit];
  return points.slice(0, length).join('');
}

function hostileNumber(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31 - 1;
  return fc.constantFrom(min - 1, max + 1, 0.5, min + 0.5, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, -0);
}

function hostileArray(schema: Schema): fc.Arbitrary<unknown[]> {
  const item = validValue(schema.items ?? {});
  return fc.oneof(
    fc.constant<unknown[]>([]),
    fc.array(item, { minLength: (schema.maxItems ?? 10) + 1, maxLength: (schema.maxItems ?? 10) + 2 }),
    item.map((value) => [value, value]),
    hostileValue(schema.items ?? {}).map((value) => [value]),
  );
}
