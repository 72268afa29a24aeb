import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/api';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import type { Clock } from '../../src/clock';
import type { DestinationStream } from 'pino';
import { operationIdOf, responseBreaches } from './contract';
import { freshTestDatabase } from './test-database';

export interface TestApp {
  readonly url: string;
  readonly server: RunningServer;
  readonly client: Client<paths>;
  /** fetch against the app; every response is still checked against the spec. */
  raw(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

/** The real app on an ephemeral port with a fresh database of the suite's dialect and fast bcrypt. */
export async function startTestApp(
  env: Record<string, string> = {},
  clock?: Clock,
  logs?: DestinationStream,
): Promise<TestApp> {
  const database = await freshTestDatabase();
  try {
    const app = await startTestAppOn(database.url, env, clock, logs);
    return { ...app, close: () => app.close().finally(() => database.drop()) };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The app on a database the caller owns (and drops): several instances may share one. */
export async function startTestAppOn(
  databaseUrl: string,
  env: Record<string, string> = {},
  clock?: Clock,
  logs?: DestinationStream,
): Promise<TestApp> {
  // Every suite registers its users from 127.0.0.1: only the throttling tests want the registration limit.
  const defaults = {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    BCRYPT_COST: '4',
    PASSWORD_THREADS: '1',
    JWT_SECRET: TEST_SECRET,
    REGISTRATION_MAX_PER_IP: '1000000',
  };
  const config = loadConfig({ ...defaults, ...env });
  const server = await startServer(config, logs ? createLogger('info', logs) : createLogger('silent'), clock);
  const client = createClient<paths>({ baseUrl: server.url });
  client.use(conformance());
  const raw = async (pathAndQuery: string, init: RequestInit = {}) => {
    const response = await fetch(server.url + pathAndQuery, init);
    await assertConforms(init.method ?? 'GET', pathAndQuery.split('?')[0] ?? '', response);
    return response;
  };
  return { url: server.url, server, client, raw, close: async () => void (await server.close()) };
}

async function assertConforms(method: string, pathname: string, response: Response): Promise<void> {
  const operationId = operationIdOf(method, pathname);
  if (!operationId) return;
  const text = await response.clone().text();
  const body = text === '' ? undefined : (JSON.parse(text) as unknown);
  const breaches = responseBreaches(
    operationId,
    response.status,
    response.headers.get('content-type') ?? undefined,
    body,
  );
  if (breaches.length > 0) throw new Error(`response breaks the contract:\n${breaches.join('\n')}`);
}

/** Checks every response the typed client receives: status documented, body matches its schema. */
function conformance(): Middleware {
  return {
    async onResponse({ request, response }) {
      await assertConforms(request.method, new URL(request.url).pathname, response);
      return response;
    },
  };
}
