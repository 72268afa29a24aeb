import Router from '@koa/router';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import type { Spec } from '../../spec';
import { methodNotAllowed } from '../errors';
import { READ_METHODS } from '../openapi/methods';
import { DOCS_PATHS, mountDocsRoutes } from './docs';
import type { Readiness } from './readiness';

const META_PATHS = new Set(['/healthz', '/readyz', '/openapi.json', '/openapi.yaml', ...DOCS_PATHS]);

/** Routes outside the API contract: liveness, readiness, the contract itself and its interactive docs. */
export function mountMetaRoutes(app: Koa, spec: Spec, readiness: Readiness): void {
  const router = new Router();
  const specJson = JSON.stringify(spec.document);
  // Liveness: the process answers. Cheap on purpose: restarting an instance cannot fix its database.
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  // Readiness: whether this instance should get traffic now (the database answers; not shutting down).
  router.get('/readyz', async (ctx) => {
    const reason = await readiness.notReadyBecause();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = reason === undefined ? 200 : 503;
    ctx.body = reason === undefined ? { status: 'ready' } : { status: 'unavailable', reason };
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
    throw methodNotAllowed(ctx.method, READ_METHODS);
  };
  // API requests skip the router: matching them against every meta route was work on each one.
  // The router ignores a trailing slash, and so does this check.
  app.use((ctx, next) => (META_PATHS.has(withoutTrailingSlash(ctx.path)) ? routes(ctx, rejectOtherMethods(ctx)) : next()));
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
