import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import type { AppState } from './app-state';

/** Gives each request an id (echoed as X-Request-Id, and in 500 bodies) and logs one line per request. */
export function requestContext(logger: Logger): Middleware {
  return async function trackRequest(ctx, next) {
    const started = process.hrtime.bigint();
    const state = ctx.state as AppState;
    state.requestId = randomUUID();
    state.logger = logger.child({ request_id: state.requestId });
    ctx.set('X-Request-Id', state.requestId);
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Path only: query strings and bodies may carry things that must never reach a log.
      logger.info({ request_id: state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, operation_id: state.operationId, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}
