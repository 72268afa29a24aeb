import Koa from 'koa';
import { handlers } from './handlers';
import { createApi } from './http/openapi/backend';
import type { AppState } from './http/middleware/request-context';
import { canonicaliseClientAddresses } from './http/middleware/client-address';
import { parseDeclaredBodies } from './http/middleware/body-parser';
import { corsForAllowedOrigins } from './http/middleware/cors';
import { errorRenderer } from './http/middleware/error-renderer';
import { mountMetaRoutes } from './http/meta/routes';
import { mountUiRoutes } from './http/meta/ui-routes';
import type { Readiness } from './http/meta/readiness';
import { requestContext } from './http/middleware/request-context';
import { responseContractCheck } from './http/middleware/response-contract-check';
import { mountMetricsRoute } from './http/meta/metrics-route';
import { measureRequests } from './http/middleware/request-metrics';
import type { Dependencies } from './dependencies';
import type { Spec } from './spec';

/**
 * The request's path through the app, outermost first: request id and access log → metrics → error
 * rendering (with the response contract check) → CORS → /metrics → meta routes → the pages (/ui/…) → route lookup →
 * body parsing (only for operations that declare a body) → the operation (security, validation
 * against the spec, the handler: src/http/openapi/dispatch.ts).
 */
export async function createApp(spec: Spec, services: Dependencies, readiness: Readiness): Promise<Koa> {
  const api = await createApi(spec, services, handlers);
  const app = new Koa();
  app.silent = true;
  // Behind a proxy, X-Forwarded-For gives the client IP the login limits count by. Only its last
  // entry, the one our own proxy appended: the ones before it are whatever the client sent.
  app.proxy = services.config.trustProxy;
  app.maxIpsCount = 1;
  canonicaliseClientAddresses(app);
  // Only observers sit outside the error renderer: they never answer or throw, and they read the
  // response after it is rendered, so the request id, the access log and the metrics see the final
  // status. Everything that can answer or fail (CORS preflights included) runs inside the renderer,
  // so every error leaves as problem details or an RFC 6749 error, checked against the contract.
  app.use(requestContext(services.logger));
  app.use(measureRequests(services.metrics));
  const { config, logger, metrics } = services;
  app.use(errorRenderer(logger, metrics, responseContractCheck(config.responseValidation, api.responses, logger)));
  app.use(corsForAllowedOrigins(config.allowedOrigins));
  mountMetricsRoute(app, services.config, services.metrics);
  mountMetaRoutes(app, spec, readiness);
  mountUiRoutes(app);
  app.use((ctx, next) => {
    (ctx.state as AppState).operationId = api.operationIdOf(ctx.method, ctx.path);
    // API answers are about a user or a credential: no cache keeps them, errors included. The
    // public documents (discovery, JWKS) replace it with their own Cache-Control.
    ctx.set('Cache-Control', 'no-store');
    return next();
  });
  app.use(parseDeclaredBodies(api, (ctx) => (ctx.state as AppState).operationId));
  app.use((ctx) => api.handle(ctx, (ctx.state as AppState).operationId));
  return app;
}
