import bourne from '@hapi/bourne';
import type { Context, Middleware } from 'koa';
import qs from 'qs';
import { readUtf8Body, UnreadableBody } from './body-reader';

export { BODY_LIMIT } from './body-reader';

declare module 'koa' {
  interface Request {
    /** The parsed body of an operation that declares one; unset elsewhere. */
    body?: unknown;
  }
}

const JSON_TYPES = ['application/json', '+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';
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

/**
 * Reads the body only of requests whose operation declares one: elsewhere a body is ignored, so a
 * stray or oversized body on GET /todos can never turn into a 400, 413 or 415 the spec does not list.
 */
export function parseDeclaredBodies(declaresBody: (ctx: Context) => boolean): Middleware {
  const parse = parseBodies();
  return (ctx, next) => (declaresBody(ctx) ? parse(ctx, next) : next());
}

/**
 * JSON and form bodies only, strict JSON (objects and arrays, no `__proto__` keys), 100 KB at
 * most (413 above), UTF-8 bytes (400 otherwise) of well-formed Unicode text. Another media type
 * is not read: the operation's declared content types answer it (415).
 */
export function parseBodies(): Middleware {
  return async function parseWellFormedBodies(ctx, next) {
    const body = await parseBody(ctx);
    if (hasLoneSurrogate(body)) throw new UnreadableBody('the request body holds a lone UTF-16 surrogate');
    ctx.request.body = body;
    await next();
  };
}

/** qs keeps a %-sequence that is not UTF-8 (`caf%E9`) as it is; such a form is as unreadable as raw latin-1 bytes. */
function decodeFormComponent(component: string): string {
  return decodeURIComponent(component.replace(/\+/g, ' '));
}

async function parseBody(ctx: Context): Promise<unknown> {
  const json = ctx.request.is(JSON_TYPES) !== false;
  if (!json && ctx.request.is(FORM_TYPE) === false) return {};
  let text: string;
  try {
    text = await readUtf8Body(ctx);
  } catch (error) {
    // A body that fails to decompress (Content-Encoding not matching the bytes) is thrown by zlib
    // without an HTTP status; it is the client's fault all the same.
    throw typeof (error as { status?: unknown }).status === 'number' ? error : new UnreadableBody('the request body could not be decoded', 400, { cause: error });
  }
  try {
    if (!json) return qs.parse(text, { allowDots: true, decoder: decodeFormComponent });
    if (text === '') return {};
    if (!OBJECT_OR_ARRAY.test(text)) throw new Error('a JSON body must be an object or an array');
    return bourne.parse(text, { protoAction: 'error' });
  } catch (error) {
    throw new UnreadableBody('the request body is not valid JSON or form data', 400, { cause: error });
  }
}
