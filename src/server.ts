import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createApp } from './app';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import type { Logger } from './logger';
import { gracefulClose, type CloseOutcome } from './http/graceful-close';
import { createHttpServer } from './http/http-server';
import { shareWithPrimary } from './metrics/cluster-metrics';
import { createMetrics } from './metrics/metrics';
import { createAccessTokens } from './security/access-tokens';
import { resolveJwtSecret } from './security/jwt-secret';
import { loadKeyRing, type KeyRing } from './security/key-ring';
import { withVerifiedTokenCache } from './security/verified-token-cache';
import { argon2Scheme } from './security/argon2-hashes';
import { createPasswordHasher } from './security/passwords';
import type { Services } from './services';
import { loadSpec } from './spec';
import { startMailDelivery } from './mail/mail-delivery';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly services: Services;
  /**
   * Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT, then cuts them), then
   * closes the password pool and the database. Resolves to how the requests ended.
   */
  close(): Promise<CloseOutcome>;
}

/** config → database → migrations → services → app → listen. Used by main.ts and by the tests alike. */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const database = await openDatabase(config, logger);
  await migrateToLatest(database.db, database.dialect);
  const keys = await loadSigningKeys(config, database.file, logger).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const metrics = createMetrics();
  if (cluster.isWorker) shareWithPrimary(metrics.registry);
  const passwords = createPasswordHasher({ cost: config.bcryptCost, threads: config.passwordThreads, onWait: metrics.hashWaited, onCompare: metrics.passwordCompared, schemes: [argon2Scheme] });
  metrics.watchHashQueue(passwords.queueDepth);
  const tokens = withVerifiedTokenCache(createAccessTokens({ keys, issuer: config.jwtIssuer, audience: config.jwtAudience, ttlSeconds: config.accessTokenTtl, clock }), clock);
  const outbox = startMailDelivery(config.mail, database.db, clock, logger, metrics.mail);
  const services: Services = { config, db: database.db, clock, logger, passwords, tokens, keys, metrics, outbox };

  const app = await createApp(loadSpec(), services);
  const server = createHttpServer(app.callback(), config);
  const closer = gracefulClose(server, logger);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    server,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    services,
    async close() {
      const outcome = await closer.close(config.shutdownTimeout * 1000);
      // After the last request (which may have queued a mail): the mail being sent finishes, the rest stays queued.
      await outbox.stop();
      await passwords.close();
      await database.close();
      return outcome;
    },
  };
}

/** Key files are read here rather than in config.ts, but a bad one still fails startup with a ConfigError. */
export async function loadSigningKeys(config: Config, databaseFile: string | undefined, logger: Logger): Promise<KeyRing> {
  const secret = config.jwtAlgorithm === 'HS256' ? resolveJwtSecret(config.jwtSecret, databaseFile, logger) : undefined;
  return loadKeyRing(config, secret);
}
