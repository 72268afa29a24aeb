import type { Context as KoaContext } from 'koa';
import type { Context } from 'openapi-backend';
import type { Logger } from '../../logger';
import { SECURITY_SCHEME, firstHeaderValue, type Principal } from './bearer';
import type { Dependencies } from '../../dependencies';
import type { AppState } from '../middleware/request-context';
import { clientKeyOf } from '../middleware/client-address';
import type { OperationHandler, OperationId, OperationInput } from './operation-types';

/**
 * What a handler learns about the request beyond the operation's input. The three per-request
 * objects below are classes, not object literals with getters: a literal with an accessor makes new
 * closures and a new property layout on every request (`npm run bench:allocations` counts it).
 */
export class RequestScope {
  constructor(private readonly ctx: KoaContext) {}

  /** Worked out only when a handler asks (the attempt limits): most requests never do. */
  get clientIp(): string {
    return clientKeyOf(this.ctx.ip);
  }

  /** Parsed only when a handler asks (the metadata document), not on every request. */
  get serverOrigin(): string | undefined {
    return serverOriginOf(this.ctx);
  }

  get logger(): Logger {
    return (this.ctx.state as AppState).logger;
  }

  /** Kept with a session (GET /users/me/sessions); read only by the handlers that start one. */
  get userAgent(): string | undefined {
    return this.ctx.get('user-agent') || undefined;
  }
}

/** The operation's input as the handler sees it (OperationInput). */
class HandlerInput {
  readonly path: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly cookieHeader: string | undefined;
  readonly authorization: string | undefined;
  readonly origin: string | undefined;
  readonly principal: Principal | undefined;

  constructor(
    c: Context,
    private readonly scope: RequestScope,
  ) {
    // The request passed validation against the spec, which is what makes these shapes true.
    // openapi-backend re-parses the request after validation, which turns path and query values back into strings; the validator's coerced copy keeps the spec's types.
    const coerced = c.validation?.coerced;
    this.path = coerced?.params ?? c.request.params;
    this.query = coerced?.query ?? c.request.query;
    this.body = c.request.requestBody;
    this.cookieHeader = firstHeaderValue(c.request.headers.cookie);
    this.authorization = firstHeaderValue(c.request.headers.authorization);
    this.origin = firstHeaderValue(c.request.headers.origin);
    this.principal = c.security?.[SECURITY_SCHEME] as Principal | undefined;
  }

  get clientIp(): string {
    return this.scope.clientIp;
  }

  get serverOrigin(): string | undefined {
    return this.scope.serverOrigin;
  }

  get userAgent(): string | undefined {
    return this.scope.userAgent;
  }
}

/** The app's services, with the logger of the request being handled. */
class RequestDependencies implements Dependencies {
  readonly config: Dependencies['config'];
  readonly db: Dependencies['db'];
  readonly clock: Dependencies['clock'];
  readonly passwords: Dependencies['passwords'];
  readonly tokens: Dependencies['tokens'];
  readonly keys: Dependencies['keys'];
  readonly metrics: Dependencies['metrics'];
  readonly mfaKeys: Dependencies['mfaKeys'];
  readonly outbox: Dependencies['outbox'];
  readonly idTokenKey: Dependencies['idTokenKey'];

  constructor(
    services: Dependencies,
    private readonly scope: RequestScope,
  ) {
    this.config = services.config;
    this.db = services.db;
    this.clock = services.clock;
    this.passwords = services.passwords;
    this.tokens = services.tokens;
    this.keys = services.keys;
    this.metrics = services.metrics;
    this.mfaKeys = services.mfaKeys;
    this.outbox = services.outbox;
    this.idTokenKey = services.idTokenKey;
  }

  get logger(): Logger {
    return this.scope.logger;
  }
}

/** An openapi-backend operation handler that calls ours with its input and the request's services. */
export function adapt(handler: OperationHandler<OperationId>, services: Dependencies) {
  return (c: Context, scope: RequestScope) =>
    handler(
      new HandlerInput(c, scope) as unknown as OperationInput<OperationId>,
      new RequestDependencies(services, scope),
    );
}

/** Koa's ctx.origin is the Origin request header; this is the scheme and Host the client addressed. */
function serverOriginOf(ctx: KoaContext): string | undefined {
  try {
    return new URL(`${ctx.protocol}://${ctx.host}`).origin;
  } catch {
    return undefined;
  }
}
