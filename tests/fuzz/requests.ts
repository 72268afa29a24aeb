import fc from 'fast-check';
import { parameterVerdict, specAccepts, wellFormed, type Verdict } from './oracle';
import type { OperationModel, ParameterModel, Schema } from './spec-model';
import { validValue } from './valid-values';
import { decodeForm, encodeBody, FORM, type AuthMode, type WireRequest } from './wire';

/** A request as values, before encoding: what the spec describes. */
export interface RequestValues {
  readonly path: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly cookie: Readonly<Record<string, unknown>>;
  readonly media: { readonly mediaType: string; readonly schema: Schema } | undefined;
  /** undefined: no body at all. */
  readonly body: unknown;
}

type Location = 'path' | 'query' | 'cookie';
const LOCATIONS: readonly Location[] = ['path', 'query', 'cookie'];

const parametersIn = (operation: OperationModel, location: Location) => operation.parameters.filter((p) => p.in === location);

function parameterValues(parameters: readonly ParameterModel[]): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(parameters.map((p) => [p.name, validValue(p.schema)]));
  return fc.record(fields, { requiredKeys: parameters.filter((p) => p.required).map((p) => p.name) });
}

/** Requests the spec accepts: every required part, any subset of the optional ones. */
export function validValues(operation: OperationModel): fc.Arbitrary<RequestValues> {
  const media = operation.body ? fc.constantFrom(...operation.body.media) : fc.constant(undefined);
  return fc.record({
    path: parameterValues(parametersIn(operation, 'path')),
    query: parameterValues(parametersIn(operation, 'query')),
    cookie: parameterValues(parametersIn(operation, 'cookie')),
    media,
  }).chain((parts) => (parts.media ? validValue(parts.media.schema) : fc.constant(undefined)).map((body) => ({ ...parts, body })));
}

const worst = (verdicts: readonly Verdict[]): Verdict => (verdicts.includes('invalid') ? 'invalid' : verdicts.includes('lenient') ? 'lenient' : 'valid');

/** Encodes the values and judges them as the server will read them. */
export function toWire(operation: OperationModel, values: RequestValues, change: string, auth: AuthMode = 'valid'): WireRequest {
  const verdicts: Verdict[] = [];
  let otherResource = false;
  const encoded: Record<Location, string[]> = { path: [], query: [], cookie: [] };
  const segments: Record<string, string> = {};
  for (const location of LOCATIONS) {
    const declared = parametersIn(operation, location);
    for (const [name, value] of Object.entries(values[location])) {
      const text = wellFormed(String(value));
      const parameter = declared.find((p) => p.name === name);
      // The API refuses parameters it does not know, as it refuses unknown body fields.
      verdicts.push(parameter ? parameterVerdict(parameter.schema, text) : 'invalid');
      // An empty, `.` or `..` segment makes the URL name another resource (`/todos/` is listTodos), fuzzed on its own.
      if (location === 'path' && ['', '.', '..'].includes(text)) otherResource = true;
      if (location === 'path') segments[name] = encodeURIComponent(text);
      else encoded[location].push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
    }
    if (declared.some((p) => p.required && values[location][p.name] === undefined)) verdicts.push('invalid');
  }
  let body: string | undefined;
  if (values.media && values.body !== undefined) {
    body = encodeBody(values.media.mediaType, values.body);
    verdicts.push(specAccepts(values.media.schema, readBack(values.media.mediaType, body, values.media.schema)) ? 'valid' : 'invalid');
  } else if (operation.body?.required) {
    verdicts.push('invalid');
  }
  return { change, verdict: otherResource ? 'lenient' : worst(verdicts), segments, query: encoded.query, cookies: encoded.cookie, auth, contentType: values.media?.mediaType, body };
}

/** The body as the server's parser reads it back. */
export function readBack(mediaType: string, text: string, schema: Schema): unknown {
  if (mediaType === FORM) return decodeForm(text, schema);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol('not JSON');
  }
}
