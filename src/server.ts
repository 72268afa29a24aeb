import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createApp } from './app';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { openMigratedDatabase } from './db/startup';
import type { Logger } from './logger';
import { gracefulClose, type CloseOutcome } from './http/server/graceful-close';
import { createHttpServer } from './http/server/http-server';
import { createReadiness, type Readiness } from './http/meta/readiness';
import { shareWithPrimary } from './metrics/cluster-metrics';
import { createMetrics } from './metrics/metrics';
import { createAccessTokens } from './security/access-tokens';
import { loadSigningKeys } from './security/keys/key-ring';
import { withVerifiedTokenCache } from './security/verified-token-cache';
import { argon2Scheme } from './security/passwords/argon2-hashes';
import { createPasswordHasher } from './security/passwords';
import type { Dependencies } from './dependencies';
import { specForConfig } from './http/meta/served-spec';
import { loadSpec } from './spec';
import { checkedMfaKeys } from './security/mfa/keys';
import { startMailDelivery } from './mail/mail-delivery';
import { startSealedSuccessorSweep } from './services/sealed-successor-sweep';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly services: Dependencies;
  /** What GET /readyz reports; close() turns it to "shutting down" before the port closes. */
  readonly readiness: Readiness;
  /**
   * Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT, then cuts them), then
   * closes the password pool and the database. Resolves to how the requests ended.
   */
  close(): Promise<CloseOutcome>;
}

/** config → database → migrations → services → app → listen. Used by main.ts and by the tests alike. */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const metrics = createMetrics();
  const database = await openMigratedDatabase(config, logger, { onConnectionWait: metrics.connectionWaited, onError: metrics.databaseError });
  metrics.watchDatabasePool(database.poolWaiting);
  const keys = await loadSigningKeys(config, database.file, logger).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  if (cluster.isWorker) shareWithPrimary(metrics.registry);
  const passwords = createPasswordHasher({ cost: config.bcryptCost, threads: config.passwordThreads, onWait: metrics.hashWaited, onCompare: metrics.passwordCompared, schemes: [argon2Scheme], bounds: config.passwordHashBounds });
  metrics.watchHashQueue(passwords.queueDepth);
  const tokens = withVerifiedTokenCache(createAccessTokens({ keys, issuer: config.jwtIssuer, audience: config.jwtAudience, ttlSeconds: config.accessTokenTtl, clock }), clock);
  const readiness = createReadiness(database, config.databaseTimeout * 1000, logger);
  const mfaKeys = await checkedMfaKeys(config, database, logger);
  const outbox = startMailDelivery(config.mail, database.db, clock, logger, metrics.mail);
  const sealSweep = startSealedSuccessorSweep({ db: database.db, clock, config, logger });
  const services: Dependencies = { config, db: database.db, clock, logger, passwords, tokens, keys, metrics, mfaKeys, outbox };

  const app = await createApp(specForConfig(loadSpec(), config), services, readiness);
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
    readiness,
    async close() {
      // Before the port closes: a load balancer polling /readyz on a kept-alive connection sees 503.
      readiness.drain();
      const outcome = await closer.close(config.shutdownTimeout * 1000);
      // After the last request (which may have queued a mail): the mail being sent finishes, the rest stays queued.
      await outbox.stop();
      await sealSweep.stop();
      await passwords.close();
      await database.close();
      return outcome;
    },
  };
}
