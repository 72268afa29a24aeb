import { dump } from 'js-yaml';
import type { Document } from 'openapi-backend';
import type { Config } from '../../config';
import type { Spec } from '../../spec';

type Json = Record<string, unknown>;
const COOKIE_PARAMETER = '#/components/parameters/RefreshCookie';
const COOKIE_HEADERS = ['#/components/headers/SetRefreshCookie', '#/components/headers/ClearRefreshCookie'];

/**
 * openapi.yaml describes both refresh-token transports; the running server accepts one. The spec it
 * validates requests with, and serves at /openapi.json, /openapi.yaml and /docs, says which: with
 * REFRESH_COOKIE off the form fields are required and there is no cookie at all; with it on the
 * cookie parameter carries the configured name.
 */
export function specForConfig(spec: Spec, config: Pick<Config, 'refreshCookie' | 'refreshCookieName'>): Spec {
  // A JSON copy: the document is plain JSON data, and js-yaml dumps only plain objects of this realm.
  const document = JSON.parse(JSON.stringify(spec.document)) as Json;
  if (config.refreshCookie) {
    const parameter = at(document, 'components', 'parameters', 'RefreshCookie');
    if (parameter.name === config.refreshCookieName) return spec;
    parameter.name = config.refreshCookieName;
  } else {
    withoutRefreshCookie(document);
  }
  return { document: document as unknown as Document, yaml: dump(document, { lineWidth: 120, noRefs: true }) };
}

function withoutRefreshCookie(document: Json): void {
  for (const pathItem of Object.values(at(document, 'paths'))) {
    for (const operation of Object.values(pathItem as Json)) dropCookieReferences(operation as Json);
  }
  delete at(document, 'components', 'parameters').RefreshCookie;
  for (const ref of COOKIE_HEADERS) delete at(document, 'components', 'headers')[ref.split('/').pop() ?? ''];
  requireField(at(document, 'components', 'schemas', 'RefreshTokenGrantRequest'), 'refresh_token');
  requireField(at(document, 'components', 'schemas', 'RevocationRequest'), 'token');
}

function dropCookieReferences(operation: Json): void {
  const parameters = operation.parameters as Json[] | undefined;
  if (parameters) {
    const kept = parameters.filter((parameter) => parameter.$ref !== COOKIE_PARAMETER);
    if (kept.length > 0) operation.parameters = kept;
    else delete operation.parameters;
  }
  for (const response of Object.values((operation.responses as Json | undefined) ?? {})) {
    const headers = (response as Json).headers as Json | undefined;
    if (headers && COOKIE_HEADERS.includes(String((headers['Set-Cookie'] as Json | undefined)?.$ref))) delete headers['Set-Cookie'];
  }
}

function requireField(schema: Json, field: string): void {
  schema.required = [...((schema.required as string[] | undefined) ?? []), field];
  delete schema.description;
}

function at(document: Json, ...keys: string[]): Json {
  let node: unknown = document;
  for (const key of keys) node = (node as Json)[key];
  if (typeof node !== 'object' || node === null) throw new Error(`openapi.yaml has no ${keys.join('.')}`);
  return node as Json;
}
