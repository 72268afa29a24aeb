import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import type { Document } from 'openapi-backend';

export interface Spec {
  readonly yaml: string;
  readonly document: Document;
}

/** openapi.yaml sits at the package root, two levels above both src/ and dist/src/. */
function findSpecFile(): string {
  for (const dir of [path.resolve(__dirname, '..'), path.resolve(__dirname, '../..')]) {
    const candidate = path.join(dir, 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`openapi.yaml not found above ${__dirname}`);
}

export function loadSpec(file = findSpecFile()): Spec {
  const yaml = readFileSync(file, 'utf8');
  // js-yaml: the same document as the `yaml` package gave, parsed in a fifth of the time (a tenth of startup).
  return { yaml, document: parseOneByte(yaml) as Document };
}

const BEYOND_LATIN1 = /[\u0100-\u{10ffff}]/gu;
/** Latin-1, so the text stays one-byte; a character no spec uses (if one does, the text is parsed as it is). */
const MARK = '\u00a4';
const MARKED = /\u00a4([0-9a-f]+)\u00a4/g;

/**
 * One character of openapi.yaml beyond Latin-1 (an arrow in a description) makes V8 hold the whole
 * text as UTF-16, and every string js-yaml slices out of it too. Its keys are then interned as
 * UTF-16 strings, and every later string with the same text ("id", "status", "email", "path") is
 * that interned copy: the response bodies and access lines built from them were UTF-16 and written
 * the slow way (GET /users/me: ~30 k more instructions, `npm run bench:instructions`). So js-yaml
 * parses a Latin-1 text in which each such character is written `¤hex¤`, put back in the values
 * afterwards: the document is the same.
 */
function parseOneByte(yaml: string): unknown {
  if (yaml.includes(MARK) || yaml.search(BEYOND_LATIN1) === -1) return load(yaml);
  const marked = yaml.replace(BEYOND_LATIN1, (char) => `${MARK}${(char.codePointAt(0) ?? 0).toString(16)}${MARK}`);
  // replace() keeps the UTF-16 form; a round trip through Latin-1 bytes gives the one-byte string.
  return unmarked(load(Buffer.from(marked, 'latin1').toString('latin1')));
}

function unmarked(value: unknown): unknown {
  if (typeof value === 'string')
    return value.includes(MARK)
      ? value.replace(MARKED, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      : value;
  if (Array.isArray(value)) return value.map(unmarked);
  if (!isPlainObject(value)) return value;
  // fromEntries defines own properties: a `__proto__` key stays a key, as js-yaml made it.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [unmarked(key) as string, unmarked(item)]));
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
