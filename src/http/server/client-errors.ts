import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { chunkExtensionsTooLarge, headersTooLarge, malformedRequest, problemBody, requestTimeout, type ApiError } from '../errors';

/** What Node's parser found wrong before the app saw a request, as the problem the client gets. */
function problemFor(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return headersTooLarge();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimeout();
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return chunkExtensionsTooLarge();
    default:
      return malformedRequest();
  }
}

/** A complete HTTP/1.1 response written by hand: no request object exists, so Koa never runs. */
function rawProblemResponse(problem: ApiError): string {
  const body = JSON.stringify(problemBody(problem));
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Node answers what its HTTP parser refuses (headers over 16 KB, bytes that are not HTTP, a client
 * too slow to send its request) with a bare status line and no body. The spec documents those
 * statuses like every other, as problem details, so they are written here. Same rule as Node's own:
 * answer only while no response has started on the connection, and close it either way.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) socket.write(rawProblemResponse(problemFor(error.code)));
    socket.destroy();
  });
}
