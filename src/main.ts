import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  logger.info({ url: running.url }, 'tollgate is listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
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
