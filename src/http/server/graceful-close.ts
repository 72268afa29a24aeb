import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../../logger';

/** `drained`: every in-flight request got its response. `forced`: some were cut at the deadline. */
export type CloseOutcome = 'drained' | 'forced';

export interface GracefulClose {
  /** Stops accepting, lets in-flight requests finish for up to `timeoutMs`, then cuts what is left. */
  close(timeoutMs: number): Promise<CloseOutcome>;
}

/** Must be attached before the server listens, so that every request is counted. */
export function gracefulClose(server: Server, logger: Logger): GracefulClose {
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    // At debug level only: shows an operator (and the shutdown tests) that a request has arrived.
    // The path without its query string, which may carry things that must never reach a log.
    logger.debug({ method: request.method, path: request.url?.split('?')[0], in_flight: inFlight.size }, 'request started');
    if (draining) response.setHeader('Connection', 'close');
    response.once('close', () => {
      inFlight.delete(response);
      // The response's connection may now be idle; while draining it must not wait for keep-alive to expire.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    async close(timeoutMs) {
      draining = true;
      // server.close() stops accepting and closes idle keep-alive connections; its callback runs once
      // the last connection has ended.
      const allClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
      logger.info({ in_flight: inFlight.size, timeout_ms: timeoutMs }, 'stopped accepting connections, draining');

      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'forced'>((resolve) => (timer = setTimeout(() => resolve('forced'), timeoutMs)));
      const outcome = await Promise.race([allClosed.then(() => 'drained' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'forced') {
        logger.warn({ in_flight: inFlight.size, timeout_ms: timeoutMs }, 'shutdown timeout reached, closing the remaining connections');
        server.closeAllConnections();
        await allClosed;
      } else {
        logger.info('drained: every in-flight request was answered');
      }
      return outcome;
    },
  };
}
