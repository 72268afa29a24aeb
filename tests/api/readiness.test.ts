import { startTestApp, type TestApp } from '../support/test-app';

describe('GET /healthz and GET /readyz (outside the contract, for probes)', () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp()));
  afterAll(() => app.close());

  test('/readyz is 200 while the database answers; never cached', async () => {
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  test('/healthz stays a fixed liveness answer', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('only GET and HEAD', async () => {
    const response = await fetch(`${app.url}/readyz`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});

describe('shutdown', () => {
  test('readiness turns to "shutting down" when close() starts, before the port is closed', async () => {
    const app = await startTestApp();
    expect(await app.server.readiness.notReadyBecause()).toBeUndefined();
    const closing = app.close();
    // close() flips readiness synchronously, first thing: a prober sees 503 from the signal on.
    const reason = await app.server.readiness.notReadyBecause();
    await closing;
    expect(reason).toBe('shutting down');
  });
});
