import { movableClock } from '../support/clock';
import { login, refresh, registeredUser, type TokenBody } from '../support/flows';
import { PRODUCTION_MAIL } from '../support/mail-env';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** The value of one sample line, e.g. `tollgate_login_attempts_total{grant="password",outcome="success"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${app.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  return response.text();
}

describe('GET /metrics without METRICS_TOKEN, outside production', () => {
  let app: TestApp;
  const clock = movableClock();
  beforeAll(async () => (app = await startTestApp({}, clock)));
  afterAll(() => app.close());

  test('answers Prometheus text with the process metrics', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  test('login outcomes, request durations and hash-pool waits move after logins over HTTP', async () => {
    const before = await scrape(app);
    const user = await registeredUser(app);
    expect((await login(app, user.username, 'not-the-password')).status).toBe(400);
    const after = await scrape(app);

    expect(
      sample(after, 'tollgate_login_attempts_total{grant="password",outcome="success"}') -
        sample(before, 'tollgate_login_attempts_total{grant="password",outcome="success"}'),
    ).toBe(1);
    expect(
      sample(after, 'tollgate_login_attempts_total{grant="password",outcome="invalid_grant"}') -
        sample(before, 'tollgate_login_attempts_total{grant="password",outcome="invalid_grant"}'),
    ).toBe(1);
    expect(
      sample(after, 'tollgate_http_request_duration_seconds_count{operation_id="issueToken",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'tollgate_http_request_duration_seconds_count{operation_id="createUser",status="201"}'),
    ).toBeGreaterThanOrEqual(1);
    // registration hashes once, each login compares once
    expect(
      sample(after, 'tollgate_password_hash_wait_seconds_count') -
        sample(before, 'tollgate_password_hash_wait_seconds_count'),
    ).toBe(3);
    expect(after).toMatch(/^tollgate_password_hash_queue_depth 0$/m);
  });

  test('a refresh token replayed after its grace window counts as a detected reuse', async () => {
    const before = sample(await scrape(app), 'tollgate_refresh_token_reuse_detected_total');
    const user = await registeredUser(app);
    const rotated = (await (await refresh(app, user.refreshToken)).json()) as TokenBody;
    expect(rotated.refresh_token).toBeDefined();
    clock.advance(60);
    expect((await refresh(app, user.refreshToken)).status).toBe(400);
    expect(sample(await scrape(app), 'tollgate_refresh_token_reuse_detected_total') - before).toBe(1);
  });

  test('only GET and HEAD', async () => {
    const response = await fetch(`${app.url}/metrics`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ METRICS_TOKEN })));
  afterAll(() => app.close());

  test('without credentials: 401 with a bearer challenge, and no metrics', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await response.json()).toMatchObject({ code: 'missing_token' });
  });

  test('a wrong token (or the token in another scheme) is refused', async () => {
    for (const authorization of [`Bearer ${METRICS_TOKEN}x`, 'Bearer x', `Basic ${METRICS_TOKEN}`]) {
      const response = await fetch(`${app.url}/metrics`, { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('tollgate_');
    }
  });

  test('the right bearer token gets the metrics', async () => {
    expect(await scrape(app, { authorization: `Bearer ${METRICS_TOKEN}` })).toContain(
      'tollgate_http_request_duration_seconds',
    );
  });
});

describe('GET /metrics in production', () => {
  test('does not exist without METRICS_TOKEN', async () => {
    const app = await startTestApp({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://auth.example.com',
      JWT_SECRET: TEST_SECRET,
      ...PRODUCTION_MAIL,
    });
    try {
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    } finally {
      await app.close();
    }
  });

  test('is served with METRICS_TOKEN', async () => {
    const app = await startTestApp({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://auth.example.com',
      JWT_SECRET: TEST_SECRET,
      METRICS_TOKEN,
      ...PRODUCTION_MAIL,
    });
    try {
      expect(await scrape(app, { authorization: `bearer ${METRICS_TOKEN}` })).toContain(
        'tollgate_login_attempts_total',
      );
    } finally {
      await app.close();
    }
  });
});
