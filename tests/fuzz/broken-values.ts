import fc from 'fast-check';
import { hostileValue, ODD_TEXT } from './hostile-values';
import { specAccepts } from './oracle';
import type { RequestValues } from './requests';
import type { OperationModel, ParameterModel, Schema } from './spec-model';

export interface BrokenValues {
  readonly values: RequestValues;
  readonly change: string;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
};

// Names a form parser treats specially (qs drops Object.prototype's names) would not arrive as extra fields.
const extraName = fc.stringMatching(/^[a-z][a-z_]{0,11}$/).filter((name) => !(name in Object.prototype));

/** One part of a valid request broken at a time: a parameter, a body field, or the body as a whole. */
export function brokenValues(operation: OperationModel, base: RequestValues): fc.Arbitrary<BrokenValues> {
  const options: fc.Arbitrary<BrokenValues>[] = [
    extraName.map((name) => ({
      values: { ...base, query: { ...base.query, [name]: 'x' } },
      change: `unknown query parameter ${name}`,
    })),
  ];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'header') continue;
    options.push(brokenParameter(base, parameter));
  }
  if (base.media)
    options.push(
      ...brokenBody(base.media.schema, base.body).map((arb) =>
        arb.map(({ body, change }) => ({ values: { ...base, body }, change })),
      ),
    );
  return fc.oneof(...options);
}

function brokenParameter(base: RequestValues, parameter: ParameterModel): fc.Arbitrary<BrokenValues> {
  const location = parameter.in as 'path' | 'query' | 'cookie';
  const withValue = (value: unknown) => ({ ...base, [location]: { ...base[location], [parameter.name]: value } });
  const hostile = fc.oneof(
    hostileValue(parameter.schema),
    fc.constantFrom(...ODD_TEXT),
    fc.constantFrom('', '99999999999999999999999', '1e400', 'NaN', '-1', '0x10'),
  );
  const options = [
    hostile.map((value) => ({ values: withValue(value), change: `${location} ${parameter.name} = ${show(value)}` })),
  ];
  // Without its path parameter the request names another resource, fuzzed as an operation of its own.
  if (parameter.required && location !== 'path') {
    const rest = Object.fromEntries(Object.entries(base[location]).filter(([name]) => name !== parameter.name));
    options.push(
      fc.constant({ values: { ...base, [location]: rest }, change: `${location} ${parameter.name} missing` }),
    );
  }
  return fc.oneof(...options);
}

type BodyChange = { body: unknown; change: string };

/** For a `oneOf`, the fields of the branch the valid body matched are the ones broken. */
function branchOf(schema: Schema, body: unknown): Schema {
  return schema.oneOf?.find((branch) => specAccepts(branch, body)) ?? schema;
}

function brokenBody(schema: Schema, body: unknown): fc.Arbitrary<BodyChange>[] {
  const options: fc.Arbitrary<BodyChange>[] = [
    fc.constantFrom(null, [], 'text', 42, true).map((value) => ({ body: value, change: `body = ${show(value)}` })),
  ];
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const properties = branchOf(schema, body).properties ?? {};
  options.push(
    extraName
      .filter((name) => !(name in properties))
      .map((name) => ({ body: { ...fields, [name]: 'x' }, change: `extra field ${name}` })),
  );
  const names = Object.keys(properties);
  if (names.length === 0) return options;
  options.push(
    fc.constantFrom(...names).chain((name) =>
      hostileValue(properties[name] ?? {}).map((value) => ({
        body: { ...fields, [name]: value },
        change: `field ${name} = ${show(value)}`,
      })),
    ),
    fc.constantFrom(...names).map((name) => ({
      body: Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name)),
      change: `field ${name} removed`,
    })),
  );
  return options;
}
