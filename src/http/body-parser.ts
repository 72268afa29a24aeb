import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';

export const BODY_LIMIT = '100kb';

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
