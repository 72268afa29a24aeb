import type { Middleware } from 'koa';
import type { ResponseValidationMode } from '../config';
import type { Logger } from '../logger';
import type { AppState } from './app-state';
import { renderError } from './error-renderer';
import type { ResponseValidator } from './response-validator';

/**
 * openapi-backend never validates responses. Here every API response is checked against the spec:
 * `strict` turns a breach into a 500 (development and tests), `log` only reports it.
 */
export function responseValidation(mode: ResponseValidationMode, validator: ResponseValidator, logger: Logger): Middleware {
  return async function validateResponse(ctx, next) {
    await next();
    const state = ctx.state as AppState;
    if (mode === 'off' || !state.operationId) return;
    const problems = validator.check(state.operationId, ctx.status, ctx.response.get('Content-Type') || undefined, ctx.body);
    if (problems.length === 0) return;
    logger.error({ request_id: state.requestId, problems }, 'response breaks the API contract');
    if (mode === 'strict') renderError(ctx, new Error('response breaks the API contract'), logger);
  };
}
