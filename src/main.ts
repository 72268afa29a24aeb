// First: V8 flags must be set before the app allocates anything.
import './v8-flags';
import cluster from 'node:cluster';
import { runPrimary } from './cluster/primary';
import { ConfigError, loadConfig } from './config';
import { bufferedStdout, createLogger } from './logger';
import { startServer } from './server';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const baseLogger = createLogger(config.logLevel, bufferedStdout());
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, baseLogger);
  // In a cluster every line names the worker that wrote it.
  const logger = cluster.isWorker ? baseLogger.child({ worker: process.pid }) : baseLogger;
  const running = await startServer(config, logger);
  logger.info({ url: running.url }, 'tollgate is listening');

  // Exit 0 only when every in-flight request was answered; 1 when SHUTDOWN_TIMEOUT cut some off, so
  // a supervisor's logs show that clients lost answers.
  let closing = false;
  const shutdown = (signal: string) => {
    // A cluster worker may get both the terminal's SIGINT and the primary's SIGTERM: close once.
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      (outcome) => {
        logger.info({ outcome }, 'shutdown complete');
        process.exit(outcome === 'drained' ? 0 : 1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Environment problems and unusable key files alike: one line each, naming the variable.
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
    process.exit(2);
  }
  process.stderr.write(`tollgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
