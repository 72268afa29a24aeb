import type { Context, Middleware } from 'koa';
import { databaseUnavailableKind } from '../../db/unavailable';
import { ApiError, OAuthError, databaseUnavailable, oauthDatabaseUnavailable } from '../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics/metrics';
import type { AppState } from './request-context';
import type { ResponseCheck } from './response-contract-check';
import { OAUTH_OPERATIONS } from '../openapi/operation-types';

const PROBLEM_TYPE_PREFIX = 'urn:tollgate:problem:';

/** The one place where errors become HTTP responses. */
function renderError(ctx: Context, error: unknown, logger: Logger, metrics: Metrics): void {
  const state = ctx.state as AppState;
  const oauth = OAUTH_OPERATIONS.has(state.operationId ?? '');
  const known = toClientError(error, oauth) ?? unavailable(error, oauth, state.requestId, logger, metrics);
  if (!known) logger.error({ err: error, request_id: state.requestId }, 'unexpected error');

  if (oauth) {
    const oauthError = known instanceof OAuthError ? known : new OAuthError('server_error', `Unexpected error (request id ${state.requestId}).`, 500);
    ctx.status = oauthError.status;
    ctx.set({ ...oauthError.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    ctx.body = { error: oauthError.error, error_description: oauthError.description, ...oauthError.extraMembers };
    return;
  }
  const problem = known instanceof ApiError ? known : new ApiError(500, 'internal_error', 'An unexpected error occurred.');
  ctx.status = problem.status;
  if (problem.extras.headers) ctx.set(problem.extras.headers);
  ctx.body = {
    type: `${PROBLEM_TYPE_PREFIX}${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.extras.errors && { errors: problem.extras.errors }),
    ...(problem.status === 500 && { request_id: state.requestId }),
  };
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
  if (status === 413) {
    return oauth ? new OAuthError('invalid_request', 'Request body is too large.', 413) : new ApiError(413, 'payload_too_large', 'The request body must not exceed 100 KB.');
  }
  if (oauth) return new OAuthError('invalid_request', 'The request body could not be read.');
  if (status === 415) return new ApiError(415, 'unsupported_media_type', 'The request body uses an unsupported charset or encoding.');
  return new ApiError(400, 'malformed_body', 'The request body is not valid JSON or form data.');
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
