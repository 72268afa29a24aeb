import cors from '@koa/cors';
import type { Middleware } from 'koa';
import { API_METHODS } from '../openapi/methods';

/**
 * CORS for the browser origins in ALLOWED_ORIGINS only; any other origin gets no CORS headers
 * and the browser keeps its page from reading our answers. Credentials are allowed so that the
 * refresh cookie can travel with the token endpoint's cross-origin (same-site) requests.
 */
export function corsForAllowedOrigins(allowedOrigins: readonly string[]): Middleware {
  const allowed = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowedOrigins.includes(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: [...API_METHODS],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['WWW-Authenticate', 'Location', 'X-Request-Id', 'Retry-After'],
    maxAge: 600,
    // The error renderer (outside this middleware) keeps the headers set here; @koa/cors need not
    // copy them onto the thrown error (it would write into our error objects).
    keepHeadersOnError: false,
  });
  // A request without an Origin header is no cross-origin request: @koa/cors would only add
  // `Vary: Origin` (the answer depends on the header's absence too) and go on. Most requests,
  // every one from a server-side client, take this short way.
  return (ctx, next) => {
    if (ctx.headers.origin !== undefined) return allowed(ctx, next);
    ctx.vary('Origin');
    return next();
  };
}
