import fc from 'fast-check';
import { parameterVerdict, specAccepts, type Verdict } from './oracle';
import { readBack } from './requests';
import type { OperationModel } from './spec-model';
import { FORM, type AuthMode, type WireRequest } from './wire';

/** Percent-encodings a decoder may choke on: truncated, not hex, overlong UTF-8, an encoded surrogate, NUL, an encoded slash. */
const ODD_ENCODINGS = ['%', '%z', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%2F', '%31', '1%00', '%20', '+1', '1;x', '%E2%80%AE1', '1%'];
const BROKEN_JSON = ['', '{', '{"a":', '{"a":1,}', "{'a':1}", '[', 'nul', '{"a":1}}', '\u0000', '{"a":"\\x"}', '{"a":1e400}', `${'['.repeat(5000)}${']'.repeat(5000)}`];
const AUTH_FAILURES: readonly AuthMode[] = ['none', 'garbage', 'unscoped', 'tampered', 'basic'];
const HUGE = 'a'.repeat(120 * 1024);

function decoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Breaks the encoding rather than a value: path and query encodings, duplicates, content types, body syntax and size, credentials. */
export function brokenWire(operation: OperationModel, base: WireRequest): fc.Arbitrary<WireRequest>[] {
  const options: fc.Arbitrary<WireRequest>[] = [];
  const broken = (change: string, verdict: Verdict, parts: Partial<WireRequest>): WireRequest => ({ ...base, ...parts, change, verdict });

  for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
    options.push(
      fc.constantFrom(...ODD_ENCODINGS).map((raw) => {
        const text = decoded(raw);
        return broken(`path ${parameter.name} sent as ${raw}`, text === undefined ? 'invalid' : parameterVerdict(parameter.schema, text), { segments: { ...base.segments, [parameter.name]: raw } });
      }),
    );
  }
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
    options.push(
      fc.constantFrom(...ODD_ENCODINGS).map((raw) => {
        const text = new URLSearchParams(`v=${raw}`).get('v') ?? '';
        return broken(`query ${parameter.name} sent as ${raw}`, parameterVerdict(parameter.schema, text), { query: [...base.query.filter((q) => !q.startsWith(`${parameter.name}=`)), `${parameter.name}=${raw}`] });
      }),
    );
  }
  if (base.query.length > 0) {
    // A parameter sent twice arrives as a list, which no scalar parameter accepts.
    options.push(fc.constantFrom(...base.query).map((pair) => broken(`query ${pair} sent twice`, 'invalid', { query: [...base.query, pair] })));
  }
  if (operation.body) options.push(...brokenBody(operation, base, broken));
  if (operation.scopes) options.push(fc.constantFrom(...AUTH_FAILURES).map((auth) => broken(`authorization: ${auth}`, 'invalid', { auth })));
  return options;
}

function brokenBody(operation: OperationModel, base: WireRequest, broken: (change: string, verdict: Verdict, parts: Partial<WireRequest>) => WireRequest): fc.Arbitrary<WireRequest>[] {
  const declared = operation.body?.media.map((m) => m.mediaType) ?? [];
  const schema = operation.body?.media.find((m) => m.mediaType === base.contentType)?.schema ?? {};
  const options = [
    fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json-patch+json', FORM, 'application/json', undefined)
      .filter((type) => !declared.includes(type ?? ''))
      .map((contentType) => broken(`content type ${contentType ?? '(none)'}`, 'invalid', { contentType })),
    // Media type names are case-insensitive (RFC 9110 §8.3.1); a charset parameter is allowed.
    fc.constantFrom(`${base.contentType ?? ''}; charset=utf-8`, (base.contentType ?? '').toUpperCase()).map((contentType) => broken(`content type ${contentType}`, 'lenient', { contentType })),
    fc.constant(broken('body larger than 100 KB', 'invalid', { body: base.contentType === FORM ? `username=${HUGE}` : JSON.stringify({ a: HUGE }) })),
    // The body is not what its Content-Encoding claims, or the encoding is unknown.
    fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown').map((contentEncoding) => broken(`body not really ${contentEncoding}`, 'invalid', { contentEncoding })),
  ];
  if (operation.body?.required) options.push(fc.constant(broken('no body', 'invalid', { body: undefined })));
  if (base.contentType === FORM) {
    options.push(fc.constantFrom('%', '&&&', '=', 'a=%zz', '%ED%A0%80=1', 'grant_type=%ED%A0%80').map((body) => broken(`form body ${body}`, specAccepts(schema, readBack(FORM, body, schema)) ? 'lenient' : 'invalid', { body })));
  } else {
    options.push(fc.constantFrom(...BROKEN_JSON).map((body) => broken(`JSON body ${body.slice(0, 20)}`, 'invalid', { body })));
    // RFC 8259 §8.1: a parser may ignore a byte order mark or refuse it.
    options.push(fc.constant(broken('JSON body after a byte order mark', 'lenient', { body: `\ufeff${base.body ?? ''}` })));
    options.push(fc.constant(broken('JSON body with a __proto__ member', 'invalid', { body: `{"__proto__":{"admin":true},${(base.body ?? '{').slice(1)}` })));
  }
  return options;
}
