import { connect, type Socket } from 'node:net';

/** A TCP connection that speaks HTTP by hand, for clients that fetch cannot imitate (slow, half-sent). */
export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server has sent so far. */
  received(): string;
  /** Settles when the connection has closed, from either side. */
  readonly closed: Promise<void>;
}

export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => {
      // After connecting, a reset by the server is an outcome the tests look at, not a failure.
      socket.removeListener('error', reject).on('error', () => undefined);
      resolve({ socket, received: () => received, closed });
    });
  });
}

/** The error code of a fresh connection attempt (`ECONNREFUSED` once nothing listens), or undefined if it connected. */
export async function connectionError(port: number): Promise<string | undefined> {
  try {
    const connection = await openConnection(port);
    connection.socket.destroy();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/** Sends `line` every `everyMs` until the connection closes; returns how many were sent. */
export async function trickle(connection: RawConnection, line: string, everyMs: number): Promise<number> {
  let sent = 0;
  let open = true;
  void connection.closed.then(() => (open = false));
  while (open) {
    connection.socket.write(line);
    sent += 1;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return sent;
}

/** A complete request with `Connection: keep-alive`, for tests that need the connection to stay open. */
export function rawRequest(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = Object.entries({ Host: '127.0.0.1', Connection: 'keep-alive', ...headers }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
