import type { Middleware } from 'koa';
import type { AppState } from './request-context';
import type { Metrics } from '../../metrics/metrics';

/**
 * Times every API request by operationId and final status (outside the error renderer, so errors
 * count with the status the client saw). Login outcomes are reported by the token handler.
 */
export function measureRequests(metrics: Metrics): Middleware {
  return async function measure(ctx, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const operationId = (ctx.state as AppState).operationId;
      if (operationId !== undefined) {
        metrics.requestFinished(operationId, ctx.status, Number(process.hrtime.bigint() - started) / 1e9);
      }
    }
  };
}
