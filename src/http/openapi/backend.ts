import type { Context as KoaContext } from 'koa';
import { OpenAPIBackend } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Spec } from '../../spec';
import type { Dependencies } from '../../dependencies';
import { createBearerSecurityHandler, SECURITY_SCHEME } from './bearer';
import { withFormats } from './ajv';
import { buildOperationListOnce, rememberOperationMatches } from './router-patches';
import type { HandlerMap } from './operation-types';
import { OPERATION_METHODS, wireMethodsOf } from './methods';
import { handlerRunner } from './request-scope';
import { createDispatcher, routingMethodOf } from './dispatch';
import { compileRoutes } from './routes';
import { formParametersOf, formSchemaOf } from '../middleware/form-reader';
import { createResponseValidator, type ResponseValidator } from './response-validator';

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
  /** The parameters the operation's application/x-www-form-urlencoded body defines (none without one): a form keeps only these. */
  formParameters(operationId: string | undefined): ReadonlySet<string>;
  /** Runs the operation `operationId` (as operationIdOf found it) for the request; 404 or 405 without one. */
  handle(ctx: KoaContext, operationId: string | undefined): Promise<void>;
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
  });
  const allowedMethods = (path: string): string[] =>
    OPERATION_METHODS.filter((method) => backend.router.matchOperation({ method, path, headers: {} })).flatMap(
      wireMethodsOf,
    );

  // openapi-backend dereferences the spec, matches requests to operations and compiles the request
  // validators; the rest of its handleRequest is done by our dispatcher (dispatch.ts).
  await backend.init();
  backend.validator.preCompileRequestValidators();
  buildOperationListOnce(backend.router);
  rememberOperationMatches(backend.router);
  assertHandlersMatchOperations(
    backend.getOperations().map((op) => op.operationId ?? `${op.method} ${op.path}`),
    Object.keys(handlers),
  );

  const withBody = new Set(
    backend
      .getOperations()
      .filter((op) => op.requestBody)
      .map((op) => op.operationId),
  );
  const forms = new Map(backend.getOperations().map((op) => [op.operationId, formParametersOf(formSchemaOf(op))]));
  return {
    responses: createResponseValidator(backend.definition as OpenAPIV3_1.Document),
    operationIdOf: (method, path) =>
      backend.router.matchOperation({ method: routingMethodOf(method), path, headers: {} })?.operationId,
    allowedMethods,
    readsBody: (operationId) => withBody.has(operationId),
    formParameters: (operationId) => forms.get(operationId) ?? NO_PARAMETERS,
    handle: createDispatcher(
      backend,
      compileRoutes(backend),
      { [SECURITY_SCHEME]: createBearerSecurityHandler(services) },
      allowedMethods,
      handlerRunner(handlers, services),
    ),
  };
}

const NO_PARAMETERS: ReadonlySet<string> = new Set();

/** Startup fails when the spec and the handler map disagree in either direction. */
function assertHandlersMatchOperations(operationIds: string[], handlerIds: string[]): void {
  const missing = operationIds.filter((id) => !handlerIds.includes(id));
  const unknown = handlerIds.filter((id) => !operationIds.includes(id));
  if (missing.length > 0) throw new Error(`operations without a handler: ${missing.join(', ')}`);
  if (unknown.length > 0) throw new Error(`handlers for operations not in the spec: ${unknown.join(', ')}`);
}
