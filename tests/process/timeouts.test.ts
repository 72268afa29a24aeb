import { killServerProcesses, startServerProcess, type ServerProcess } from '../../scripts/support/server-process';
import { openConnection, rawRequest, trickle, type RawConnection } from '../support/raw-socket';
import { serverDir } from '../support/server-dir';

// Short timeouts so the test runs in seconds; the bound below is generous because this 2-core
// machine is shared. Without the timeouts, each of these clients would hold its connection forever.
const HEADERS_TIMEOUT_S = 1;
const REQUEST_TIMEOUT_S = 2;
const KEEP_ALIVE_TIMEOUT_S = 1;
const CUT_OFF_BOUND_MS = 20_000;

jest.setTimeout(120_000);

let server: ServerProcess;
let folder: ReturnType<typeof serverDir>;

beforeAll(async () => {
  folder = serverDir();
  server = await startServerProcess({
    ...folder.env,
    HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S),
    REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
    KEEP_ALIVE_TIMEOUT: String(KEEP_ALIVE_TIMEOUT_S),
  });
});

afterAll(async () => {
  await server?.stop();
  killServerProcesses();
  folder.remove();
});

const elapsedMs = (since: number): number => Date.now() - since;

/** The trickling client was answered 408 and disconnected within the bound, after sending more than once. */
async function expectCutOffWith408(slow: RawConnection, started: number, dripping: Promise<number>): Promise<void> {
  await slow.closed;
  expect(elapsedMs(started)).toBeLessThan(CUT_OFF_BOUND_MS);
  expect(await dripping).toBeGreaterThan(1);
  expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  // As documented on every operation: problem details, not a bare status line.
  expect(slow.received()).toMatch(/\r\nContent-Type: application\/problem\+json\r\n[\s\S]*"code":"request_timeout"/);
}

describe('server timeouts', () => {
  it('cuts off a client that sends its headers slowly, while a normal client is served', async () => {
    const slow = await openConnection(server.port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    // A header line every 200 ms: the connection is never silent, so only a limit on the headers' total time stops it.
    const dripping = trickle(slow, 'X-Slow: still-coming\r\n', 200);

    const normal = await fetch(`${server.url}/healthz`);
    expect(normal.status).toBe(200);
    expect(await normal.json()).toEqual({ status: 'ok' });

    await expectCutOffWith408(slow, started, dripping);
  });

  it('cuts off a client that sends its body slowly', async () => {
    const slow = await openConnection(server.port);
    slow.socket.write(rawRequest('POST', '/users', { 'Content-Type': 'application/json', 'Content-Length': '10000' }));
    const started = Date.now();
    const dripping = trickle(slow, ' ', 200);

    await expectCutOffWith408(slow, started, dripping);
  });

  it('closes an idle keep-alive connection', async () => {
    const idle = await openConnection(server.port);
    idle.socket.write(rawRequest('GET', '/healthz'));
    const started = Date.now();

    await idle.closed;
    expect(elapsedMs(started)).toBeLessThan(CUT_OFF_BOUND_MS);
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=1\r\n/i);
  });
});
