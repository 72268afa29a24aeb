import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load } from 'js-yaml';
import { loadSpec } from '../../src/spec';

const file = path.resolve(__dirname, '../../openapi.yaml');

describe('loadSpec', () => {
  it('gives the document js-yaml parses from the text as written', () => {
    const parsed = load(readFileSync(file, 'utf8'));
    expect(isDeepStrictEqual(loadSpec(file).document, parsed)).toBe(true);
  });

  it('keeps characters beyond Latin-1 as written', () => {
    const description = (loadSpec(file).document.info as { description?: string }).description ?? '';
    expect(description).toContain('a path no operation has → 404');
  });

  it('keeps a `__proto__` key an own key, not the prototype', () => {
    const spec = loadSpec(path.resolve(__dirname, '../fixtures/spec-loading.yaml'));
    const document = spec.document as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(document.odd)).toBe(Object.prototype);
    expect(Object.keys(document.odd as object)).toEqual(['__proto__', 'name']);
    expect(document.odd).toEqual(JSON.parse('{"__proto__": {"x": 1}, "name": "café – ok"}'));
  });
});
