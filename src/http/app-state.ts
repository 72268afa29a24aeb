import type { Logger } from '../logger';

/** What middleware learns about a request and leaves on ctx.state for the ones after it. */
export interface AppState {
  requestId: string;
  /** Every line it logs carries the request id; handlers receive it as services.logger. */
  logger: Logger;
  /** Set as soon as the route is known, before the body is read, so even a 413 is rendered in the right style. */
  operationId?: string;
}
