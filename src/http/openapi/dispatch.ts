import type { Context as KoaContext } from 'koa';
import type { Context, OpenAPIBackend, Operation, ValidationResult } from 'openapi-backend';
import { methodNotAllowed, routeNotFound, undeclaredMediaType, validationFailed } from '../errors';
import { SECURITY_SCHEME, firstHeaderValue, type Principal } from './bearer';
import { requireCanonicalIntegers } from './canonical-integers';
import type { ValidatedRequest } from './request-scope';
import type { Route } from './routes';
import { parseRequest, requestPathOf, validate, type Request } from './request-input';
import { toFieldErrors, toOAuthRequestError } from './validation-errors';

interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type SecurityHandler = (context: Context) => unknown;
/** Runs the operation's handler with its input: the request as validated, and who is calling. */
export type RunHandler = (route: Route, request: ValidatedRequest, ctx: KoaContext) => Promise<HandlerResult>;

/**
 * The context the security handler is given (openapi-backend's Context): the request, parsed once,
 * and the operation it reaches. A class, so that every request's context has one shape.
 */
class OperationContext implements Context {
  validation: ValidationResult = { valid: true };
  security: Context['security'] = {};
  response: unknown = undefined;

  constructor(
    readonly api: OpenAPIBackend,
    readonly request: Request,
    readonly operation: Operation,
  ) {}
}

/**
 * Routes a Koa request to its operation and runs, in openapi-backend's handleRequest order, what
 * stands between the request and the handler: security, the content-type and integer-spelling
 * checks, validation against the spec, then the handler, whose result is written to the response.
 * Everything about the operation was worked out at startup (routes.ts); per request only the
 * request itself is parsed, once (handleRequest parsed it three or four times). Every refusal is
 * thrown as our own error, for the error renderer to answer.
 */
export function createDispatcher(
  backend: OpenAPIBackend,
  routes: ReadonlyMap<string, Route>,
  securityHandlers: Readonly<Record<string, SecurityHandler>>,
  allowedMethods: (path: string) => string[],
  run: RunHandler,
): (ctx: KoaContext, operationId: string | undefined) => Promise<void> {
  return async function dispatch(ctx, operationId) {
    const method = routingMethodOf(ctx.method);
    const route = operationId === undefined ? undefined : routes.get(operationId);
    if (!route) throw unrouted(backend, method, ctx.path, allowedMethods);
    const request = parseRequest(ctx, method, route);
    const context = new OperationContext(backend, request, route.operation);

    const { results, authorized } = await authenticate(route, context, securityHandlers);
    if (authorized || route.securityRequirements.length === 0) {
      requireDeclaredContentType(route, request.headers);
      requireCanonicalIntegers(route.integerParameters, request.params, request.query);
    }
    // Security runs before validation; a rejected request stops here and never reaches a handler.
    if (!authorized && route.securityRequirements.length > 0) {
      const result = results[SECURITY_SCHEME] as { error?: unknown } | undefined;
      throw result?.error ?? new Error('security handler rejected the request without an error');
    }

    // An operation without parameters or a request body has one thing to check: that the query
    // string is empty (its validator refuses unknown query keys and accepts any header or cookie).
    // Without a query string that validator always passes, and is skipped.
    let path: unknown = request.params;
    let query: unknown = request.query;
    if (route.declaresInput || Object.keys(request.query).length > 0) {
      const validated = validate(route, request);
      if (validated.errors.length > 0) {
        if (!route.oauth) throw validationFailed(toFieldErrors(validated.errors));
        throw toOAuthRequestError(request.requestBody, validated.errors, route.grantTypes);
      }
      // ajv's coerceTypes gave path and query values the spec's types.
      ({ path, query } = validated);
    }

    const result = await run(
      route,
      {
        path,
        query,
        body: request.requestBody,
        headers: request.headers,
        principal: results[SECURITY_SCHEME] as Principal | undefined,
      },
      ctx,
    );
    ctx.status = result.status;
    if (result.headers) ctx.set(result.headers);
    if (result.body !== undefined) ctx.body = result.body;
    else if (result.status !== 204) emptyBody(ctx);
  };
}

/** The 404 or 405 for a request that reaches no operation. */
function unrouted(
  backend: OpenAPIBackend,
  method: string,
  path: string,
  allowedMethods: (path: string) => string[],
): Error {
  const requestPath = requestPathOf(path);
  try {
    backend.router.matchOperation({ method, path, headers: {} }, true);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('405')) {
      return methodNotAllowed(method, allowedMethods(requestPath));
    }
  }
  return routeNotFound(method, requestPath);
}

/** Runs the security handler of every scheme the operation's requirements name; authorized when one requirement is met. */
async function authenticate(
  route: Route,
  context: OperationContext,
  securityHandlers: Readonly<Record<string, SecurityHandler>>,
): Promise<{ results: Record<string, unknown>; authorized: boolean }> {
  const results: Record<string, unknown> = {};
  for (const scheme of route.securitySchemes) results[scheme] = await securityResult(securityHandlers[scheme], context);
  const authorized = route.securityRequirements.some((requirement) =>
    Object.keys(requirement).every((scheme) => satisfied(results[scheme])),
  );
  context.security = { ...results, authorized };
  return { results, authorized };
}

/** A security handler's answer, or what it threw (a rejection is always a failed authentication). */
async function securityResult(handler: SecurityHandler | undefined, context: Context): Promise<unknown> {
  if (!handler) return undefined;
  try {
    return await handler(context);
  } catch (error) {
    return { error: error || new Error('security handler rejected') };
  }
}

/** openapi-backend's rule: a falsy result, or one carrying an `error`, fails the requirement. */
function satisfied(result: unknown): boolean {
  if (!result) return false;
  return !(typeof result === 'object' && (result as { error?: unknown }).error);
}

/** A body in a media type the operation does not declare: 415 (or the token endpoints' invalid_request). */
function requireDeclaredContentType(route: Route, headers: Request['headers']): void {
  if (route.mediaTypes.length === 0) return;
  const header = headers['content-type'];
  // An optional body (POST /users/me/mfa/totp) may be left out: then there is no media type to judge.
  if (!route.bodyRequired && header === undefined && !sendsBody(headers)) return;
  const sent = (firstHeaderValue(header) ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (route.mediaTypes.includes(sent)) return;
  throw undeclaredMediaType(route.mediaTypes, route.oauth);
}

function sendsBody(headers: Request['headers']): boolean {
  const length = firstHeaderValue(headers['content-length']);
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
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
