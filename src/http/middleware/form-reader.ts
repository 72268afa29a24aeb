/**
 * The one reader of application/x-www-form-urlencoded bodies (issue 28). A form is a flat list of
 * name/value pairs, split as the WHATWG urlencoded parser (URLSearchParams) splits it: a name with
 * `.` or `[…]` is just a name, never a nested object, so no name reaches Object.prototype. Unlike
 * URLSearchParams, a %-sequence that is not UTF-8 (`caf%E9`) is an error, not a silent U+FFFD in a
 * password. Then, before the spec validates it (RFC 6749 §3.1, §3.2):
 * - a parameter with an empty value is treated as omitted;
 * - a parameter the operation does not define is dropped unseen: not validated, logged or handed on;
 * - a defined parameter sent more than once is refused.
 */

type Pair = readonly [name: string, value: string];

export const FORM_TYPE = 'application/x-www-form-urlencoded';

export type FormOutcome = { outcome: 'read'; fields: Record<string, string> } | { outcome: 'repeated'; name: string };

/** A `%` not followed by two hex digits stays a literal `%`, as the WHATWG parser keeps it. */
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/** decodeURIComponent is strict UTF-8: it throws a URIError on bytes that are not (overlong, surrogate, truncated). */
function decodeComponent(component: string): string {
  return decodeURIComponent(component.replace(/\+/g, ' ').replace(LONE_PERCENT, '%25'));
}

export function formPairs(text: string): Pair[] {
  const pairs: Pair[] = [];
  for (const sequence of text.split('&')) {
    if (sequence === '') continue;
    const split = sequence.indexOf('=');
    const name = split < 0 ? sequence : sequence.slice(0, split);
    const value = split < 0 ? '' : sequence.slice(split + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  return pairs;
}

/** The fields of a form for an operation that defines `defined`, or the first defined parameter sent twice. */
export function readForm(text: string, defined: ReadonlySet<string>): FormOutcome {
  // A Map, not an object literal: a name such as `__proto__` can be nothing but a key here.
  const fields = new Map<string, string>();
  for (const [name, value] of formPairs(text)) {
    if (value === '' || !defined.has(name)) continue;
    if (fields.has(name)) return { outcome: 'repeated', name };
    fields.set(name, value);
  }
  return { outcome: 'read', fields: Object.fromEntries(fields) };
}

type Schema = { properties?: Record<string, unknown>; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[] };

/** The parameters a (dereferenced) form schema defines: its properties and those of every branch it combines. */
export function formParametersOf(schema: unknown): ReadonlySet<string> {
  const names = new Set<string>();
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    const { properties, oneOf = [], anyOf = [], allOf = [] } = next as Schema;
    for (const name of Object.keys(properties ?? {})) names.add(name);
    pending.push(...oneOf, ...anyOf, ...allOf);
  }
  return names;
}

/** The schema of an operation's form body, if it declares one (read from the dereferenced spec). */
export function formSchemaOf(operation: { requestBody?: object }): unknown {
  const body = operation.requestBody as { content?: Record<string, { schema?: unknown } | undefined> } | undefined;
  return body?.content?.[FORM_TYPE]?.schema;
}
