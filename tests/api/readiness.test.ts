import { rmSync } from 'node:fs';
import { captureLogs } from '../support/log-capture';
import { startTestApp, startTestAppOn, type TestApp } from '../support/test-app';
import { freshTestDatabase } from '../support/test-database';

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

describe('an unready /readyz says nothing of the database behind it (issue 21 item 10)', () => {
  test('503 with a generic reason; the details (the file path, the database name) go to the log only', async () => {
    const database = await freshTestDatabase();
    const logs = captureLogs();
    const app = await startTestAppOn(database.url, {}, undefined, logs);
    try {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      // SQLite: the file removed under the server (as tests/process/sqlite-faults does); PostgreSQL: the database dropped.
      const where = database.url.startsWith('sqlite:')
        ? database.url.slice('sqlite:'.length)
        : new URL(database.url).pathname.slice(1);
      if (database.dialect === 'sqlite') rmSync(where);
      else await database.drop();

      const response = await fetch(`${app.url}/readyz`);
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({ status: 'unavailable', reason: 'database unavailable' });
      expect(body).not.toContain(where);
      expect(body).not.toMatch(/tollgate_test|\/tmp|sqlite/i);
      // The operator still learns why, from the log.
      const logged = logs
        .text()
        .split('\n')
        .filter((line) => line.includes('not ready'));
      expect(logged.length).toBeGreaterThan(0);
      if (database.dialect === 'sqlite') expect(logged.join('\n')).toContain(where);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
