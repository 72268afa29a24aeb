import { dereferenceSync } from 'dereference-json-schema';
import type { OpenAPIV3_1 } from 'openapi-types';
import { presentTodo } from '../../src/handlers/presenters';
import { pageOf } from '../../src/handlers/cursor';
import { createResponseSerializers } from '../../src/http/openapi/response-serializers';
import { loadSpec } from '../../src/spec';

const document = dereferenceSync(structuredClone(loadSpec().document)) as unknown as OpenAPIV3_1.Document;
const serializers = createResponseSerializers(document);

// Titles the spec allows that JSON must escape or that are not ASCII, short and long.
const titles = [
  'Buy milk',
  'a',
  'say "hi" \\ bye',
  'caf\u00e9 \u2192 \u{1F600}',
  '\u00a0x',
  'lone \ud800 surrogate',
  'x'.repeat(200),
  `${'q"'.repeat(60)}\\`,
];
const todoRow = (id: number, title: string) => ({
  id,
  owner_id: 7,
  title,
  done: id % 2,
  created_at: '2026-11-23T14:00:00.000Z',
  updated_at: '2026-11-24T09:30:12.345Z',
});
const rows = titles.map((title, i) => todoRow(i + 1, title));

test.each([
  ['listTodos', 200, pageOf(rows, 20, presentTodo)],
  ['listTodos', 200, pageOf(rows, 3, presentTodo)],
  ['listTodos', 200, pageOf([], 20, presentTodo)],
  ['getTodo', 200, presentTodo(todoRow(2147483647, 'last'))],
  ['createTodo', 201, presentTodo(todoRow(1, 'new'))],
  ['updateTodo', 200, presentTodo(todoRow(3, 'changed'))],
])('%s %i: the same bytes as JSON.stringify', (operationId, status, body) => {
  const serialize = serializers.of(operationId, status);
  expect(serialize).toBeDefined();
  expect(serialize?.(body)).toBe(JSON.stringify(body));
});

test('only the listed operations and their success answers are compiled', () => {
  expect(serializers.of('getTodo', 404)).toBeUndefined();
  expect(serializers.of('getCurrentUser', 200)).toBeUndefined();
  expect(serializers.of(undefined, 200)).toBeUndefined();
});
