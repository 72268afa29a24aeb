import type { Context as KoaContext } from 'koa';
import { OpenAPIBackend, type Context, type ParsedRequest, type Request } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { methodNotAllowed, notFound, undeclaredMediaType, validationFailed } from './errors';
import type { Spec } from '../spec';
import type { Dependencies } from '../dependencies';
import { createBearerSecurityHandler, SECURITY_SCHEME } from '../security/bearer';
import { withFormats } from './ajv';
import { canonicalIntegerCheck } from './canonical-integers';
import { buildOperationListOnce } from './operation-list';
import { rememberOperationMatches } from './operation-matches';
import type { HandlerMap, OperationHandler, OperationId } from './operation-types';
import { adapt, RequestScope } from './request-scope';
import { createResponseValidator, type ResponseValidator } from './response-validator';
import { grantTypesOf, toFieldErrors, toOAuthRequestError } from './validation-errors';

/** Operations that speak RFC 6749 §5.2 errors instead of problem details. */
export const OAUTH_OPERATIONS: ReadonlySet<string> = new Set<OperationId>(['issueToken', 'revokeToken']);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * openapi-backend checks the document against the OpenAPI 3.0 schema only, so every 3.1 document
 * fails. The document is checked by openapi-typescript's bundler at `npm run generate` instead.
 */
class OpenAPI31Backend extends OpenAPIBackend {
  override validateDefinition() {
    return this.document;
  }
}

export interface Api {
  readonly responses: ResponseValidator;
  /** The operationId a request would reach, if any; known before the body is read. */
  operationIdOf(method: string, path: string): string | undefined;
  allowedMethods(path: string): string[];
  /** Whether the operation declares a request body; only those have their body read (so 413/415 happen only there). */
  readsBody(operationId: string | undefined): boolean;
  handle(ctx: KoaContext): Promise<void>;
}


interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function createApi(spec: Spec, services: Dependencies, handlers: HandlerMap): Promise<Api> {
  const backend = new OpenAPI31Backend({
    definition: structuredClone(spec.document),
    strict: true,
    // `/users/` and `/users/me/` are `/users` and `/users/me`, answered directly (no redirect: a
    // 307 would make clients resend credentials): the FastAPI tutorials call them with the slash.
    ignoreTrailingSlashes: true,
    coerceTypes: true,
    // Each of openapi-backend's ajv instances would otherwise compile the JSON Schema meta-schema to
    // check our schemas: most of a second at startup. The spec is checked once, by `npm run lint:spec`.
    ajvOpts: { validateSchema: false },
    customizeAjv: (ajv) => withFormats(ajv),
    // Quick mode compiles no validator up front. Otherwise openapi-backend compiles response and
    // response-header validators we never call (responses are checked by our own validator): a
    // third of startup, and memory held for the process's life. Request validators are compiled
    // below, before the first request.
    quick: true,
    validate: hasSomethingToValidate,
  });
  // Filled in once the spec is dereferenced (init); no request arrives before.
  let requireCanonicalIntegers: (c: Context) => void = () => {};
  const allowedMethods = (path: string): string[] =>
    METHODS.filter((method) => backend.router.matchOperation({ method, path, headers: {} })).flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]));

  backend.register({
    notFound: (c: Context) => {
      throw notFound(`No route for ${c.request.method.toUpperCase()} ${c.request.path}.`);
    },
    methodNotAllowed: (c: Context) => {
      throw methodNotAllowed(c.request.method, allowedMethods(c.request.path));
    },
    // Security runs before validation in openapi-backend; a rejected request stops here and never reaches a handler.
    unauthorizedHandler: (c: Context) => {
      const result = c.security[SECURITY_SCHEME] as { error?: unknown } | undefined;
      throw result?.error ?? new Error('security handler rejected the request without an error');
    },
    postSecurityHandler: (c: Context) => {
      if (c.security.authorized || !c.operation.security?.length) {
        requireDeclaredContentType(c);
        requireCanonicalIntegers(c);
      }
    },
    validationFail: (c: Context) => {
      const errors = c.validation.errors ?? [];
      if (!OAUTH_OPERATIONS.has(c.operation.operationId ?? '')) throw validationFailed(toFieldErrors(errors));
      throw toOAuthRequestError(c.request.requestBody, errors, grantTypesOf(formSchemaOf(c)));
    },
  });
  backend.registerSecurityHandler(SECURITY_SCHEME, createBearerSecurityHandler(services));
  for (const [operationId, handler] of Object.entries(handlers)) {
    backend.register(operationId, adapt(handler as OperationHandler<OperationId>, services));
  }
  await backend.init();
  requireCanonicalIntegers = canonicalIntegerCheck(backend.getOperations());
  backend.validator.preCompileRequestValidators();
  buildOperationListOnce(backend.router);
  rememberOperationMatches(backend.router);
  assertHandlersMatchOperations(backend.getOperations().map((op) => op.operationId ?? `${op.method} ${op.path}`), Object.keys(handlers));

  const withBody = new Set(backend.getOperations().filter((op) => op.requestBody).map((op) => op.operationId));
  return {
    responses: createResponseValidator(backend.definition as OpenAPIV3_1.Document),
    operationIdOf: (method, path) => backend.router.matchOperation({ method: routingMethodOf(method), path, headers: {} })?.operationId,
    allowedMethods,
    readsBody: (operationId) => withBody.has(operationId),
    async handle(ctx) {
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
    },
  };
}

/**
 * RFC 9110 §9.3.2: HEAD is GET without the body. It runs the GET operation (same status and
 * headers); Koa sends no body for a HEAD request and keeps the Content-Length the body would have had.
 */
function routingMethodOf(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}


/**
 * An operation without parameters or a request body has one thing to check: that the query string
 * is empty (its validator refuses unknown query keys and accepts any header or cookie). Without a
 * query string that validator always passes, and skipping it saves a tenth of such a request's work.
 */
function hasSomethingToValidate(c: Context): boolean {
  const { parameters, requestBody } = c.operation;
  return requestBody !== undefined || (parameters?.length ?? 0) > 0 || Object.keys(c.request.query ?? {}).length > 0;
}

/** Koa would answer a 200 without a body with its status text ("OK"); RFC 7009 wants it empty. */
function emptyBody(ctx: KoaContext): void {
  ctx.body = '';
  ctx.remove('Content-Type');
}

function formSchemaOf(c: Context): unknown {
  const body = c.operation.requestBody;
  return body && 'content' in body ? body.content['application/x-www-form-urlencoded']?.schema : undefined;
}


function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}


/** Startup fails when the spec and the handler map disagree in either direction. */
function assertHandlersMatchOperations(operationIds: string[], handlerIds: string[]): void {
  const missing = operationIds.filter((id) => !handlerIds.includes(id));
  const unknown = handlerIds.filter((id) => !operationIds.includes(id));
  if (missing.length > 0) throw new Error(`operations without a handler: ${missing.join(', ')}`);
  if (unknown.length > 0) throw new Error(`handlers for operations not in the spec: ${unknown.join(', ')}`);
}

function requireDeclaredContentType(c: Context): void {
  const declared = Object.keys(c.operation.requestBody && 'content' in c.operation.requestBody ? c.operation.requestBody.content : {});
  if (declared.length === 0) return;
  const header = c.request.headers['content-type'];
  const sent = String(Array.isArray(header) ? header[0] : (header ?? '')).split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared.includes(sent)) return;
  throw undeclaredMediaType(declared, OAUTH_OPERATIONS.has(c.operation.operationId ?? ''));
}
