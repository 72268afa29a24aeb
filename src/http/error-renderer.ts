import type { Context, Middleware } from 'koa';
import { ApiError, OAuthError } from '../errors';
import type { Logger } from '../logger';
import type { AppState } from './app-state';
import { OAUTH_OPERATIONS } from './api';

const PROBLEM_TYPE_PREFIX = 'urn:tollgate:problem:';

/** The one place where errors become HTTP responses. */
export function renderError(ctx: Context, error: unknown, logger: Logger): void {
  const state = ctx.state as AppState;
  const oauth = OAUTH_OPERATIONS.has(state.operationId ?? '');
  const known = toClientError(error, oauth);
  if (!known) logger.error({ err: error, request_id: state.requestId }, 'unexpected error');

  if (oauth) {
    const oauthError = known instanceof OAuthError ? known : new OAuthError('server_error', `Unexpected error (request id ${state.requestId}).`, 500);
    ctx.status = oauthError.status;
    ctx.set({ ...oauthError.headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    ctx.body = { error: oauthError.error, error_description: oauthError.description, ...(oauthError.errorCode && { error_code: oauthError.errorCode }) };
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

export function errorRenderer(logger: Logger): Middleware {
  return async function renderErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      renderError(ctx, error, logger);
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

function httpErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status } = error as { status?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
