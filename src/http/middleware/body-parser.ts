import bourne from '@hapi/bourne';
import type { Context, Middleware } from 'koa';
import { readUtf8Body, UnreadableBody } from './body-reader';
import { repeatedParameter } from '../errors';
import { FORM_TYPE, readForm, type FormOutcome } from './form-reader';
import { OAUTH_OPERATIONS } from '../openapi/operation-types';

export { BODY_LIMIT } from './body-reader';

declare module 'koa' {
  interface Request {
    /** The parsed body of an operation that declares one; unset elsewhere. */
    body?: unknown;
  }
}

const JSON_TYPES = ['application/json', '+json'];
/** Only objects and arrays: a bare string or number is no request body of ours. */
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[[{]/;

const LONE_SURROGATE = /\p{Cs}/u;
/**
 * JSON can escape half of a UTF-16 pair (`"\ud800"`), which is no text at all: stored, it would come
 * back changed. Walked with a stack, not recursion: a body may nest thousands of levels deep.
 */
function hasLoneSurrogate(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return true;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return true;
      pending.push(item);
    }
  }
  return false;
}

/** What the body parser needs to know of the operation a request reaches. */
export interface BodyOperations {
  /** Whether the operation declares a request body. */
  readsBody(operationId: string | undefined): boolean;
  /** The parameters its form defines; none when it declares no form. */
  formParameters(operationId: string | undefined): ReadonlySet<string>;
}

/**
 * Reads the body only of requests whose operation declares one: elsewhere a body is ignored, so a
 * stray or oversized body on GET /todos can never turn into a 400, 413 or 415 the spec does not list.
 * JSON and form bodies only, strict JSON (objects and arrays, no `__proto__` keys), 100 KB at
 * most (413 above), UTF-8 bytes (400 otherwise) of well-formed Unicode text. Another media type
 * is not read: the operation's declared content types answer it (415). A form keeps only the
 * parameters its operation defines (src/http/middleware/form-reader.ts).
 */
export function parseDeclaredBodies(
  operations: BodyOperations,
  operationIdOf: (ctx: Context) => string | undefined,
): Middleware {
  const parseThenNext = async (ctx: Context, operationId: string | undefined, next: () => Promise<unknown>) => {
    const body = await parseBody(ctx, operationId, operations.formParameters(operationId));
    if (hasLoneSurrogate(body)) throw new UnreadableBody('the request body holds a lone UTF-16 surrogate');
    ctx.request.body = body;
    await next();
  };
  // Not an async function itself: most requests (every GET) have no body to read.
  return function parseWellFormedBodies(ctx, next) {
    const operationId = operationIdOf(ctx);
    return operations.readsBody(operationId) ? parseThenNext(ctx, operationId, next) : next();
  };
}

async function parseBody(
  ctx: Context,
  operationId: string | undefined,
  formParameters: ReadonlySet<string>,
): Promise<unknown> {
  const json = ctx.request.is(JSON_TYPES) !== false;
  if (!json && ctx.request.is(FORM_TYPE) === false) return {};
  const text = await readText(ctx);
  return json ? parseJson(text) : parseForm(text, operationId, formParameters);
}

async function readText(ctx: Context): Promise<string> {
  try {
    return await readUtf8Body(ctx);
  } catch (error) {
    // A body that fails to decompress (Content-Encoding not matching the bytes) is thrown by zlib
    // without an HTTP status; it is the client's fault all the same.
    throw typeof (error as { status?: unknown }).status === 'number'
      ? error
      : new UnreadableBody('the request body could not be decoded', 400, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    if (text === '') return {};
    if (!OBJECT_OR_ARRAY.test(text)) throw new Error('a JSON body must be an object or an array');
    return bourne.parse(text, { protoAction: 'error' });
  } catch (error) {
    throw new UnreadableBody('the request body is not valid JSON or form data', 400, { cause: error });
  }
}

function parseForm(
  text: string,
  operationId: string | undefined,
  formParameters: ReadonlySet<string>,
): Record<string, string> {
  let form: FormOutcome;
  try {
    form = readForm(text, formParameters);
  } catch (error) {
    throw new UnreadableBody('the request body is not valid JSON or form data', 400, { cause: error });
  }
  if (form.outcome === 'repeated') throw repeatedParameter(form.name, OAUTH_OPERATIONS.has(operationId ?? ''));
  return form.fields;
}
