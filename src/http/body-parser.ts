import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';

export const BODY_LIMIT = '100kb';

/** A body the client sent but that cannot be read; its status makes the error renderer answer 400. */
class UnreadableBody extends Error {
  readonly status = 400;
}

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

/** JSON and form bodies only, strict JSON (objects and arrays), 100 KB at most (413 above), well-formed Unicode text. */
export function parseBodies(): Middleware {
  const parse = bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: BODY_LIMIT,
    formLimit: BODY_LIMIT,
    strict: true,
    // Errors propagate to the error renderer instead of koa-bodyparser's own plain-text reply. A body
    // that fails to decompress (Content-Encoding not matching the bytes) is thrown by zlib without
    // an HTTP status; it is the client's fault all the same.
    onerror: (error) => {
      throw typeof (error as { status?: unknown }).status === 'number' ? error : new UnreadableBody('the request body could not be decoded', { cause: error });
    },
  });
  return async function parseWellFormedBodies(ctx, next) {
    await parse(ctx, async () => {
      if (hasLoneSurrogate(ctx.request.body)) throw new UnreadableBody('the request body holds a lone UTF-16 surrogate');
      await next();
    });
  };
}
