import type { Context } from 'koa';
import type { ResponseValidationMode } from '../../config';
import type { Logger } from '../../logger';
import type { AppState } from './request-context';
import type { ResponseValidator } from '../openapi/response-validator';

/** Looks at the response about to leave, errors included; throws when it must not leave as it is. */
export type ResponseCheck = (ctx: Context) => void;

/**
 * openapi-backend never validates responses. Here every API response is checked against the spec:
 * `strict` turns a breach into a 500 (development and tests), `log` only reports it. The error
 * renderer runs this after rendering, so problem bodies are checked too and a breach is rendered
 * there like any other error.
 */
export function responseContractCheck(mode: ResponseValidationMode, validator: ResponseValidator, logger: Logger): ResponseCheck {
  return function checkResponseContract(ctx) {
    const state = ctx.state as AppState;
    if (mode === 'off' || !state.operationId) return;
    const problems = validator.check(state.operationId, ctx.status, ctx.response.get('Content-Type') || undefined, ctx.body);
    if (problems.length === 0) return;
    logger.error({ request_id: state.requestId, problems }, 'response breaks the API contract');
    if (mode === 'strict') throw new Error('response breaks the API contract');
  };
}
