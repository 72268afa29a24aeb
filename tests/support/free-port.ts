import { createServer } from 'node:net';

/**
 * A port the OS just handed out and released, for tools that cannot listen on port 0 themselves
 * (Prism). Another process could take it in between; callers retry with a new one when that happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
