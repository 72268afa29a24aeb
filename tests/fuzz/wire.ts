import type { TestApp } from '../support/test-app';
import type { Verdict } from './oracle';
import type { OperationModel, Schema } from './spec-model';

/** How the request authenticates: a real token of the right role, or one of the ways to get it wrong. */
export type AuthMode = 'valid' | 'none' | 'garbage' | 'unscoped' | 'tampered' | 'basic';

/** One request as it travels: every part already encoded, so a mutation can break the encoding itself. */
export interface WireRequest {
  /** What differs from a valid request, shown in the counterexample. */
  readonly change: string;
  readonly verdict: Verdict;
  /** Path parameter → percent-encoded segment. */
  readonly segments: Readonly<Record<string, string>>;
  /** Percent-encoded `name=value` pairs. */
  readonly query: readonly string[];
  readonly cookies: readonly string[];
  readonly auth: AuthMode;
  readonly contentType: string | undefined;
  readonly contentEncoding?: string;
  readonly body: string | undefined;
}

export const FORM = 'application/x-www-form-urlencoded';

/** A form field holds text; an array becomes the field repeated, as HTML forms send it. */
export function encodeForm(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return encodeURIComponent(String(value));
  const form = new URLSearchParams();
  for (const [name, field] of Object.entries(value)) {
    for (const item of Array.isArray(field) ? field : [field]) form.append(name, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
  }
  return form.toString();
}

/** The names a form schema defines: its properties and those of each branch it combines. */
function definedNames(schema: Schema, names = new Set<string>()): Set<string> {
  for (const name of Object.keys(schema.properties ?? {})) names.add(name);
  for (const branch of [...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) definedNames(branch, names);
  return names;
}

/**
 * The fields the server reads back from a form (issue 28, RFC 6749 §3.1, §3.2): flat pairs, an empty
 * value omitted, a name the schema does not define dropped, and a defined one sent twice refused.
 */
export function decodeForm(text: string, schema: Schema): Record<string, string> | symbol {
  const defined = definedNames(schema);
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (value === '' || !defined.has(name)) continue;
    if (fields.has(name)) return Symbol('sent twice');
    fields.set(name, value);
  }
  return Object.fromEntries(fields);
}

export function encodeBody(mediaType: string, value: unknown): string {
  return mediaType === FORM ? encodeForm(value) : JSON.stringify(value);
}

export function urlOf(operation: OperationModel, request: WireRequest): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => request.segments[name] ?? '');
  return request.query.length > 0 ? `${path}?${request.query.join('&')}` : path;
}

export interface Credentials {
  /** A real access token of a user whose role allows the operation. */
  token: string;
  /** A real access token of the same user, carrying no scope at all. */
  unscopedToken: string;
}

function authorization(mode: AuthMode, credentials: Credentials | undefined): string | undefined {
  const token = credentials?.token ?? '';
  switch (mode) {
    case 'valid':
      return credentials && `Bearer ${token}`;
    case 'none':
      return undefined;
    case 'garbage':
      return 'Bearer not.a.jwt';
    case 'unscoped':
      return `Bearer ${credentials?.unscopedToken ?? ''}`;
    case 'tampered':
      return `Bearer ${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    case 'basic':
      return `Basic ${Buffer.from('user:password').toString('base64')}`;
  }
}

/** Sends the request through `app.raw`, which also checks the response against the spec. */
export function send(app: TestApp, operation: OperationModel, request: WireRequest, credentials: Credentials | undefined): Promise<Response> {
  const headers: Record<string, string> = {};
  const auth = authorization(request.auth, credentials);
  if (auth) headers.authorization = auth;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.contentEncoding !== undefined) headers['content-encoding'] = request.contentEncoding;
  if (request.cookies.length > 0) headers.cookie = request.cookies.join('; ');
  // Bytes, not a string: fetch would otherwise add a text/plain content type of its own.
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return app.raw(urlOf(operation, request), { method: operation.method, headers, body });
}
