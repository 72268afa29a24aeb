import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { accessLoggerOf, type Logger } from '../../logger';

/**
 * A class rather than properties added to Koa's `{}`: every request's state has one shape, and the
 * child logger (a measurable share of a request's work) is made only when something logs.
 */
class RequestState implements AppState {
  operationId?: string = undefined;
  private requestLogger: Logger | undefined = undefined;

  constructor(
    readonly requestId: string,
    private readonly parentLogger: Logger,
  ) {}

  get logger(): Logger {
    return (this.requestLogger ??= this.parentLogger.child({ request_id: this.requestId }));
  }
}

/** Gives each request an id (echoed as X-Request-Id, and in 500 bodies) and logs one line per request. */
export function requestContext(logger: Logger): Middleware {
  const accessLog = accessLoggerOf(logger);
  return async function trackRequest(ctx, next) {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const state = new RequestState(requestId, logger);
    ctx.state = state;
    ctx.set('X-Request-Id', requestId);
    // Every response: no browser may guess a type other than the Content-Type we send (a JSON body rendered as HTML).
    ctx.set('X-Content-Type-Options', 'nosniff');
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Path only: query strings and bodies may carry things that must never reach a log.
      accessLog.info({ request_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, operation_id: state.operationId, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}

/** What middleware learns about a request and leaves on ctx.state for the ones after it. */
export interface AppState {
  requestId: string;
  /** Every line it logs carries the request id; handlers receive it as services.logger. */
  logger: Logger;
  /** Set as soon as the route is known, before the body is read, so even a 413 is rendered in the right style. */
  operationId?: string;
}
