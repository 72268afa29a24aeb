import type { Context, Middleware } from 'koa';
import { databaseUnavailableKind } from '../../db/unavailable';
import {
  ApiError,
  OAuthError,
  bodyTooLarge,
  databaseUnavailable,
  internalError,
  malformedBody,
  oauthDatabaseUnavailable,
  oauthErrorBody,
  oauthServerError,
  problemBody,
  unreadableTokenRequest,
  unsupportedBodyEncoding,
} from '../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics/metrics';
import type { AppState } from './request-context';
import type { ResponseCheck } from './response-contract-check';
import { OAUTH_OPERATIONS } from '../openapi/operation-types';

/** The one place where errors become HTTP responses. */
function renderError(ctx: Context, error: unknown, logger: Logger, metrics: Metrics): void {
  const state = ctx.state as AppState;
  const oauth = OAUTH_OPERATIONS.has(state.operationId ?? '');
  const known = toClientError(error, oauth) ?? unavailable(error, oauth, state.requestId, logger, metrics);
  if (!known) logger.error({ err: error, request_id: state.requestId }, 'unexpected error');

  if (oauth) {
    const oauthError = known instanceof OAuthError ? known : oauthServerError(state.requestId);
    ctx.status = oauthError.status;
    ctx.set({ ...oauthError.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    ctx.body = oauthErrorBody(oauthError);
    return;
  }
  const problem = known instanceof ApiError ? known : internalError();
  ctx.status = problem.status;
  if (problem.extras.headers) ctx.set(problem.extras.headers);
  ctx.body = problemBody(problem, problem.status === 500 ? state.requestId : undefined);
  ctx.type = 'application/problem+json';
}

/**
 * The outermost middleware that can answer: everything that may throw or answer (CORS, /metrics,
 * meta routes, openapi-backend, handlers) runs inside it. After rendering, the final response,
 * error or not, goes through `checkResponse` (the contract check); what that throws is rendered here too.
 */
export function errorRenderer(logger: Logger, metrics: Metrics, checkResponse: ResponseCheck): Middleware {
  return async function renderErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      renderError(ctx, error, logger, metrics);
    }
    try {
      checkResponse(ctx);
    } catch (error) {
      renderError(ctx, error, logger, metrics);
    }
  };
}

/** Our own errors pass through; the body parser's HTTP errors are translated; anything else is a 500. */
function toClientError(error: unknown, oauth: boolean): ApiError | OAuthError | undefined {
  if (error instanceof ApiError || error instanceof OAuthError) return error;
  const status = httpErrorStatus(error);
  if (status === undefined) return undefined;
  if (status === 413) return bodyTooLarge(oauth);
  if (oauth) return unreadableTokenRequest();
  if (status === 415) return unsupportedBodyEncoding();
  return malformedBody();
}

/** A database that cannot answer now is the client's "try later" (503), not a bug: counted, logged as a warning. */
function unavailable(error: unknown, oauth: boolean, requestId: string | undefined, logger: Logger, metrics: Metrics): ApiError | OAuthError | undefined {
  const kind = databaseUnavailableKind(error);
  if (kind === undefined) return undefined;
  metrics.databaseError(kind);
  logger.warn({ err: error, kind, request_id: requestId }, 'database unavailable; answered 503');
  return oauth ? oauthDatabaseUnavailable() : databaseUnavailable();
}

function httpErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status } = error as { status?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
