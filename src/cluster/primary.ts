import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config';
import { openMigratedDatabase } from '../db/startup';
import { loadSigningKeys } from '../security/keys/key-ring';
import type { Logger } from '../logger';
import { serveClusterMetrics } from '../metrics/cluster-metrics';

const MAX_REFORK_DELAY_MS = 30_000;

/**
 * WORKERS=N: this process only supervises; N forks of main.ts serve the one port (node:cluster
 * hands connections round-robin). State the workers share is prepared once, here, before they
 * start, so they never race each other to migrate or to create a generated secret.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  await prepareSharedState(config, logger);
  serveClusterMetrics();
  let stopping = false;
  const ready = new Set<number>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => ready.add(worker.id));
    return worker;
  };
  let failedStarts = 0;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (ready.has(worker.id)) {
      failedStarts = 0;
      logger.error({ worker: worker.process.pid, code, signal }, 'a worker died; starting a replacement');
      fork();
      return;
    }
    // Before any worker served, a failed start is a configuration problem that would repeat: stop.
    if (ready.size === 0) {
      logger.fatal({ worker: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
      stopAll(1);
      return;
    }
    // Once the cluster serves, a replacement that could not start met a database briefly down
    // (it already retried for DATABASE_STARTUP_TIMEOUT): the others keep serving; try again later.
    failedStarts += 1;
    const delayMs = Math.min(1000 * 2 ** (failedStarts - 1), MAX_REFORK_DELAY_MS);
    logger.error({ worker: worker.process.pid, code, signal, retry_in_ms: delayMs }, 'a replacement worker failed to start; retrying');
    setTimeout(() => stopping || fork(), delayMs);
  });

  const stopAll = (exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    terminateWorkers(exitCode);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down all workers');
      stopAll(0);
    });
  }

  for (let i = 0; i < config.workers; i += 1) fork();
  logger.info({ workers: config.workers, password_threads_each: config.passwordThreads }, 'tollgate cluster started');
}

/** SIGTERM to every live worker; the process exits when the last one has, with 1 if any did. */
function terminateWorkers(exitCode: number): void {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  let remaining = workers.length;
  if (remaining === 0) process.exit(exitCode);
  let code = exitCode;
  for (const worker of workers) {
    worker.once('exit', (workerCode) => {
      // A worker whose SHUTDOWN_TIMEOUT cut requests off exits 1: so does the cluster.
      if (workerCode !== 0) code = 1;
      if ((remaining -= 1) === 0) process.exit(code);
    });
    // Each worker finishes its requests in flight and closes its pool and database (main.ts).
    worker.process.kill('SIGTERM');
  }
}

async function prepareSharedState(config: Config, logger: Logger): Promise<void> {
  const database = await openMigratedDatabase(config, logger);
  try {
    // Generates the dev secret once for every worker to read, and refuses unusable key files before any fork.
    await loadSigningKeys(config, database.file, logger);
  } finally {
    await database.close();
  }
}
