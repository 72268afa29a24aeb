import type { Context as KoaContext } from 'koa';
import type { Logger } from '../../logger';
import { firstHeaderValue, type Principal } from './bearer';
import type { Dependencies } from '../../dependencies';
import type { AppState } from '../middleware/request-context';
import { clientKeyOf } from '../middleware/client-address';
import type { HandlerMap, OperationHandler, OperationId, OperationInput } from './operation-types';
import type { RunHandler } from './dispatch';

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

/** What the dispatcher hands over: the request as validated against the spec, and who is calling. */
export interface ValidatedRequest {
  readonly path: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly headers: KoaContext['headers'];
  readonly principal: Principal | undefined;
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
    request: ValidatedRequest,
    private readonly scope: RequestScope,
  ) {
    // The request passed validation against the spec, which is what makes these shapes true.
    this.path = request.path;
    this.query = request.query;
    this.body = request.body;
    this.cookieHeader = firstHeaderValue(request.headers.cookie);
    this.authorization = firstHeaderValue(request.headers.authorization);
    this.origin = firstHeaderValue(request.headers.origin);
    this.principal = request.principal;
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

/** Calls the operation's handler with its input and the request's services. */
export function handlerRunner(handlers: HandlerMap, services: Dependencies): RunHandler {
  const byId = new Map(Object.entries(handlers) as [string, OperationHandler<OperationId>][]);
  return (route, request, ctx) => {
    const handler = byId.get(route.operationId);
    if (!handler) throw new Error(`no handler for ${route.operationId}`);
    const scope = new RequestScope(ctx);
    return handler(
      new HandlerInput(request, scope) as unknown as OperationInput<OperationId>,
      new RequestDependencies(services, scope),
    );
  };
}

/** Koa's ctx.origin is the Origin request header; this is the scheme and Host the client addressed. */
function serverOriginOf(ctx: KoaContext): string | undefined {
  try {
    return new URL(`${ctx.protocol}://${ctx.host}`).origin;
  } catch {
    return undefined;
  }
}
