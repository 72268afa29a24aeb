import type { Context, Middleware } from 'koa';
import type { AppState } from '../http/app-state';
import type { Metrics } from './metrics';

/**
 * Times every API request by operationId and final status (outside the error renderer, so errors
 * count with the status the client saw). A password-grant login's outcome is read from its
 * answer: `success`, or the RFC 6749 error code, so it is exactly what the client was told.
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
        if (operationId === 'issueToken' && isPasswordGrant(ctx)) metrics.loginFinished(loginOutcome(ctx));
      }
    }
  };
}

function isPasswordGrant(ctx: Context): boolean {
  const body: unknown = ctx.request.body;
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).grant_type === 'password';
}

function loginOutcome(ctx: Context): string {
  if (ctx.status === 200) return 'success';
  const error: unknown = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>).error : undefined;
  return typeof error === 'string' ? error : `http_${ctx.status}`;
}
