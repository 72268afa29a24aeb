import type { Context as KoaContext } from 'koa';
import type { OpenAPIBackend, ParsedRequest, Request } from 'openapi-backend';
import { validationFailed } from '../errors';
import { RequestScope } from './request-scope';

interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Hands a Koa request to openapi-backend (route, security, validation, handler) and writes the handler's result. */
export async function dispatch(backend: OpenAPIBackend, ctx: KoaContext): Promise<void> {
  const method = routingMethodOf(ctx.method);
  // openapi-backend decodes path parameters with decodeURIComponent, which throws on `%`, `%zz` or bytes that are not UTF-8.
  if (!isDecodable(ctx.path) && backend.router.matchOperation({ method, path: ctx.path, headers: {} })) {
    throw validationFailed([{ location: 'path', message: 'is not valid percent-encoded UTF-8' }]);
  }
  const request: Request & Partial<ParsedRequest> = {
    method,
    path: ctx.path,
    headers: ctx.headers as Request['headers'],
    query: ctx.query as Request['query'],
    body: ctx.request.body,
    // openapi-backend copies the request three or four times as `{ ...req, params, cookies, requestBody }`.
    // In V8 each key added after a spread costs a hidden-class migration (about 3 µs a copy here);
    // with every key already present the copies share one shape. The values are always overwritten.
    params: undefined,
    cookies: undefined,
    requestBody: undefined,
  };
  // openapi-backend passes handleRequest's extra arguments on to the operation handler.
  const result = (await backend.handleRequest(request, new RequestScope(ctx))) as HandlerResult;
  ctx.status = result.status;
  if (result.headers) ctx.set(result.headers);
  if (result.body !== undefined) ctx.body = result.body;
  else if (result.status !== 204) emptyBody(ctx);
}

/**
 * RFC 9110 §9.3.2: HEAD is GET without the body. It runs the GET operation (same status and
 * headers); Koa sends no body for a HEAD request and keeps the Content-Length the body would have had.
 */
export function routingMethodOf(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}

/** Koa would answer a 200 without a body with its status text ("OK"); RFC 7009 wants it empty. */
function emptyBody(ctx: KoaContext): void {
  ctx.body = '';
  ctx.remove('Content-Type');
}

function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
