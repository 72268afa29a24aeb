import { createServer, type Socket } from 'node:net';
import { runToExit } from '../support/run-to-exit';
import { serverDir } from '../support/server-dir';

jest.setTimeout(60_000);

describe('startup against a database that accepts TCP and never answers', () => {
  it('gives up after DATABASE_STARTUP_TIMEOUT: exit 1 and one clear line, no hang', async () => {
    const sockets = new Set<Socket>();
    // Accepts every connection, reads nothing back: a hung database host, a black-holing proxy.
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const folder = serverDir();
    try {
      const { code, stderr } = await runToExit({
        ...folder.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/tollgate`,
        DATABASE_TIMEOUT: '1',
        DATABASE_STARTUP_TIMEOUT: '3',
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^tollgate failed to start: the database was unavailable for DATABASE_STARTUP_TIMEOUT \(3 s\): /,
        ),
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      folder.remove();
    }
  });
});
