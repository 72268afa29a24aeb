import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { Logger } from '../logger';
import type { MailMetrics } from '../metrics/mail-metrics';
import { outboxStats } from '../repositories/outbox.repository';
import type { MailConfig } from '../config';
import { createMailSender } from './mail-sender';
import { startOutboxWorker, type OutboxWorker } from './outbox-worker';

/** The outbox worker with its transport, and the outbox gauges; started and stopped with the server. */
export function startMailDelivery(
  config: MailConfig,
  db: Kysely<Database>,
  clock: Clock,
  logger: Logger,
  metrics: MailMetrics,
): OutboxWorker {
  metrics.watchOutbox(async () => {
    const { depth, oldestCreatedAt } = await outboxStats(db);
    const age =
      oldestCreatedAt === null ? 0 : Math.max(0, (clock.now().getTime() - Date.parse(oldestCreatedAt)) / 1000);
    return { depth, oldestAgeSeconds: age };
  });
  return startOutboxWorker({ db, clock, logger, config, sender: createMailSender(config, logger), metrics });
}
