import type { Middleware } from 'koa';
import type { AppState } from './request-context';
import type { ResponseSerializers } from '../openapi/response-serializers';

/**
 * Writes a JSON answer with its operation's compiled serializer, where it has one, instead of
 * Koa's JSON.stringify. Outside the error renderer: the contract check has looked at the body as
 * the handler gave it. Content-Type stays the one Koa gave the object (application/json; charset=utf-8).
 */
export function serializeCompiledResponses(serializers: ResponseSerializers): Middleware {
  return async function serializeResponse(ctx, next) {
    await next();
    const serialize = serializers.of((ctx.state as AppState).operationId, ctx.status);
    const { body } = ctx;
    if (serialize === undefined || typeof body !== 'object' || body === null) return;
    try {
      ctx.body = serialize(body);
    } catch {
      // A body the schema cannot describe (a missing required key) leaves as JSON.stringify writes it,
      // as it did before; RESPONSE_VALIDATION is what reports such a body.
    }
  };
}
