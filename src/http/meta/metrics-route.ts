import cluster from 'node:cluster';
import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { Config } from '../../config';
import { methodNotAllowed, missingMetricsToken, routeNotFound, wrongMetricsToken } from '../errors';
import { READ_METHODS } from '../openapi/methods';
import { clusterMetricsText } from '../../metrics/cluster-metrics';
import type { Metrics } from '../../metrics/metrics';

const PATH = '/metrics';

/**
 * GET /metrics, Prometheus text format. Operators' endpoint, not the clients' API: outside the
 * spec like /healthz, so no SDK ever offers it. With METRICS_TOKEN it wants that bearer token;
 * without one it is open in development and does not exist in production (secure by default:
 * metrics reveal traffic and login failures).
 */
export function mountMetricsRoute(app: Koa, config: Config, metrics: Metrics): void {
  const expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  const enabled = expected !== undefined || !config.production;
  const serve = async (ctx: Koa.Context): Promise<void> => {
    if (!enabled) throw routeNotFound(ctx.method, ctx.path);
    if (!READ_METHODS.includes(ctx.method)) throw methodNotAllowed(ctx.method, READ_METHODS);
    if (expected !== undefined) requireToken(ctx.get('Authorization'), expected);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    // In a cluster each worker counts only its own requests; the primary adds them all up.
    ctx.body = cluster.isWorker ? await clusterMetricsText() : await metrics.registry.metrics();
  };
  // Not an async function itself: every other request passes through here on its way to the API.
  app.use((ctx, next) => (ctx.path === PATH ? serve(ctx) : next()));
}

function requireToken(header: string, expected: Buffer): void {
  const presented = /^bearer +(\S+) *$/i.exec(header)?.[1];
  if (presented === undefined) throw missingMetricsToken();
  // Digests of equal length, compared in constant time: the comparison reveals nothing about the token.
  if (!timingSafeEqual(digest(presented), expected)) throw wrongMetricsToken();
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
