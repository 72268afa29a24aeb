import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';

export const BODY_LIMIT = '100kb';

/**
 * Reads the body only of requests whose operation declares one: elsewhere a body is ignored, so a
 * stray or oversized body on GET /todos can never turn into a 400, 413 or 415 the spec does not list.
 */
export function parseDeclaredBodies(declaresBody: (ctx: Context) => boolean): Middleware {
  const parse = parseBodies();
  return (ctx, next) => (declaresBody(ctx) ? parse(ctx, next) : next());
}

/** JSON and form bodies only, strict JSON (objects and arrays), 100 KB at most (413 above). */
export function parseBodies(): Middleware {
  return bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: BODY_LIMIT,
    formLimit: BODY_LIMIT,
    strict: true,
    // Errors propagate to the error renderer instead of koa-bodyparser's own plain-text reply.
    onerror: (error) => {
      throw error;
    },
  });
}
