import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from '../../config';
import { answerClientErrorsWithProblems } from './client-errors';

type Timeouts = Pick<Config, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;

// How often Node looks for connections past their headers or request timeout. Node's default (30 s)
// would let a slow-headers client hold a connection up to 30 s beyond HEADERS_TIMEOUT.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * The Node HTTP server, with timeouts that keep slow clients from pinning connections: a client
 * that trickles its headers (slowloris) or its body is answered 408 and disconnected, and an idle
 * keep-alive connection is closed. The time a handler takes is not limited here.
 */
export function createHttpServer(listener: RequestListener, timeouts: Timeouts): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeout * 1000,
      requestTimeout: timeouts.requestTimeout * 1000,
      keepAliveTimeout: timeouts.keepAliveTimeout * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    listener,
  );
  answerClientErrorsWithProblems(server);
  return server;
}
