import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { accessLoggerOf, type Logger } from '../logger';
import type { AppState } from './app-state';

/** Gives each request an id (echoed as X-Request-Id, and in 500 bodies) and logs one line per request. */
export function requestContext(logger: Logger): Middleware {
  const accessLog = accessLoggerOf(logger);
  return async function trackRequest(ctx, next) {
    const started = process.hrtime.bigint();
    const state = ctx.state as AppState;
    const requestId = randomUUID();
    state.requestId = requestId;
    // Made on first use: most requests log nothing but the access line, and a child logger per
    // request was a measurable share of each one's work.
    let requestLogger: Logger | undefined;
    Object.defineProperty(state, 'logger', { get: () => (requestLogger ??= logger.child({ request_id: requestId })), enumerable: true });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Path only: query strings and bodies may carry things that must never reach a log.
      accessLog.info({ request_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, operation_id: state.operationId, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}
