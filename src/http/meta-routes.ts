import Router from '@koa/router';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
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
  const routes = router.routes() as unknown as Middleware;
  const rejectOtherMethods = (ctx: Context) => async () => {
    throw methodNotAllowed(ctx.method, ['GET', 'HEAD']);
  };
  // API requests skip the router: matching them against every meta route was work on each one.
  // The router ignores a trailing slash, and so does this check.
  app.use((ctx, next) => (META_PATHS.has(withoutTrailingSlash(ctx.path)) ? routes(ctx, rejectOtherMethods(ctx)) : next()));
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
