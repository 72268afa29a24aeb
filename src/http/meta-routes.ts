import Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import type { Spec } from '../spec';
import { methodNotAllowed } from './api';
import { DOCS_PATHS, mountDocsRoutes } from './docs-routes';

const META_PATHS = new Set(['/healthz', '/openapi.json', '/openapi.yaml', ...DOCS_PATHS]);

/** Routes outside the API contract: liveness, the contract itself and its interactive docs. */
export function mountMetaRoutes(app: Koa, spec: Spec): void {
  const router = new Router();
  const specJson = JSON.stringify(spec.document);
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = specJson;
  });
  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'application/yaml';
    ctx.body = spec.yaml;
  });
  mountDocsRoutes(router);
  const rejectOtherMethods: Middleware = async (ctx, next) => {
    if (META_PATHS.has(ctx.path)) throw methodNotAllowed(ctx.method, ['GET', 'HEAD']);
    await next();
  };
  app.use(router.routes());
  app.use(rejectOtherMethods);
}
