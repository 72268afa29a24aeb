import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database, MailOutboxRow } from '../db/schema';
import type { Logger } from '../logger';
import type { MailMetrics } from '../metrics/mail-metrics';
import { claimMail, findClaimableMailIds, finishMail, scheduleRetry } from '../repositories/outbox.repository';
import type { MailConfig } from '../config';
import type { MailSender } from './mail-sender';

export interface OutboxWorker {
  /** Look at the outbox now rather than at the next poll (a mail was just queued). */
  wake(): void;
  /**
   * Runs `work` after the current request has been answered, so that what it finds (does this
   * address have an account?) cannot change the answer or its timing. stop() waits for it.
   */
  afterAnswer(work: () => Promise<void>): void;
  /** Stops polling and waits for the mails being sent to finish; unsent ones stay queued for the next start. */
  stop(): Promise<void>;
}

interface Deps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: MailConfig;
  readonly sender: MailSender;
  readonly metrics: MailMetrics;
}

const BATCH = 10;
const MAX_BACKOFF_SECONDS = 6 * 3600;
const IDLE_FACTOR = 30;

/**
 * Sends what the outbox holds. Every instance runs one (cluster workers too): rows are claimed one by
 * one with a lease (see claimMail), so no two instances send the same mail at once, and a crashed
 * instance's claims are taken over once their lease ends.
 */
export function startOutboxWorker(deps: Deps): OutboxWorker {
  const owner = randomUUID();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let idlePasses = 0;
  const deferred = new Set<Promise<void>>();

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  };
  const tick = () => {
    again = false;
    running = running
      .then(() => drainDue(deps, owner, () => stopped))
      .then((handled) => void (idlePasses = handled > 0 ? 0 : idlePasses + 1))
      .catch((error: unknown) => deps.logger.error({ err: error }, 'mail outbox pass failed'));
    void running.then(() => schedule(again ? 0 : idleDelay(deps.config.pollInterval, idlePasses)));
  };
  schedule(0);
  return {
    wake() {
      again = true;
      idlePasses = 0;
      schedule(0);
    },
    afterAnswer(work) {
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(work)
        .catch((error: unknown) => deps.logger.error({ err: error }, 'deferred mail work failed'))
        .finally(() => deferred.delete(task));
      deferred.add(task);
    },
    async stop() {
      await Promise.all(deferred);
      stopped = true;
      clearTimeout(timer);
      await running;
      deps.sender.close();
    },
  };
}

/**
 * An idle worker looks less and less often, up to 30 poll intervals apart: a look is a query, and
 * each instance's own mails wake it at once anyway. What an idle worker may be late for is a retry or
 * another instance's expired lease, both already minutes away.
 */
function idleDelay(pollInterval: number, idlePasses: number): number {
  return Math.min(pollInterval * 2 ** Math.max(0, idlePasses - 1), pollInterval * IDLE_FACTOR);
}

/** Claims and sends due mails until none is left (or the worker stops); how many it handled. */
async function drainDue(deps: Deps, owner: string, stopped: () => boolean): Promise<number> {
  let handled = 0;
  while (!stopped()) {
    const now = deps.clock.now();
    const ids = await findClaimableMailIds(deps.db, now.toISOString(), BATCH);
    if (ids.length === 0) return handled;
    for (const id of ids) {
      if (stopped()) return handled;
      // The time of this claim, not of the batch: after slow sends a lease counted from the batch's
      // start could already be over, and another instance would send the same mail again.
      const claimedAt = deps.clock.now();
      const leaseUntil = new Date(claimedAt.getTime() + deps.config.lease * 1000).toISOString();
      const mail = await claimMail(deps.db, id, owner, claimedAt.toISOString(), leaseUntil);
      if (mail) await deliver(deps, owner, mail);
      if (mail) handled += 1;
    }
  }
  return handled;
}

async function deliver(deps: Deps, owner: string, mail: MailOutboxRow): Promise<void> {
  const outcome = await deps.sender.send({
    to: mail.recipient,
    subject: mail.subject,
    text: mail.text_body,
    html: mail.html_body,
  });
  const now = deps.clock.now();
  if (outcome.ok) {
    await finishMail(deps.db, mail.id, owner, 'sent', now.toISOString(), null);
    deps.metrics.sent();
    return;
  }
  // The reason is a reply code or an error code: never an address, a body or a link.
  const fields = { mail_id: mail.id, attempts: mail.attempts, reason: outcome.reason };
  if (outcome.permanent || mail.attempts >= deps.config.maxAttempts) {
    await finishMail(deps.db, mail.id, owner, 'failed', now.toISOString(), outcome.reason);
    deps.metrics.failed();
    deps.logger.error(fields, 'mail delivery failed for good');
    return;
  }
  const delay = Math.min(MAX_BACKOFF_SECONDS, deps.config.retryBase * 2 ** (mail.attempts - 1));
  await scheduleRetry(deps.db, mail.id, owner, new Date(now.getTime() + delay * 1000).toISOString(), outcome.reason);
  deps.logger.warn({ ...fields, retry_in: delay }, 'mail delivery failed; will retry');
}
