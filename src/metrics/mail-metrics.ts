import { Counter, Gauge, type Registry } from 'prom-client';

export interface MailMetrics {
  /** Mails written to the outbox (counted once their transaction committed). */
  queued(count: number): void;
  sent(): void;
  failed(): void;
  /** Reports the outbox depth and the age of its oldest pending mail whenever /metrics is scraped. */
  watchOutbox(stats: () => Promise<{ depth: number; oldestAgeSeconds: number }>): void;
}

export function createMailMetrics(registry: Registry): MailMetrics {
  const mails = new Counter({
    name: 'tollgate_mails_total',
    help: 'Mails by outcome: queued, sent, failed.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  let stats: () => Promise<{ depth: number; oldestAgeSeconds: number }> = async () => ({
    depth: 0,
    oldestAgeSeconds: 0,
  });
  let last: Promise<{ depth: number; oldestAgeSeconds: number }> | undefined;
  // One outbox query per scrape serves both gauges.
  const read = () => (last ??= stats().finally(() => setImmediate(() => (last = undefined))));
  new Gauge({
    name: 'tollgate_mail_outbox_depth',
    help: 'Mails waiting in the outbox to be sent.',
    // Every instance reads the same table: across a cluster the value is one reading, not a sum.
    aggregator: 'max',
    registers: [registry],
    async collect() {
      this.set((await read()).depth);
    },
  });
  new Gauge({
    name: 'tollgate_mail_outbox_oldest_pending_seconds',
    help: 'Age of the oldest mail waiting in the outbox (0 when none).',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestAgeSeconds);
    },
  });
  return {
    queued: (count) => count > 0 && mails.inc({ outcome: 'queued' }, count),
    sent: () => mails.inc({ outcome: 'sent' }),
    failed: () => mails.inc({ outcome: 'failed' }),
    watchOutbox: (source) => {
      stats = source;
    },
  };
}
