import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { enqueueMail } from '../mail/outbox';
import type { MailTemplate } from '../mail/templates';

export type QueueMail = (to: string, template: MailTemplate) => Promise<void>;

/**
 * Runs `work` in one transaction whose mails are queued in it too; once it commits, the mails are
 * counted and the delivery worker is woken. A rolled-back transaction leaves neither token nor mail.
 */
export async function withMail<T>(services: Pick<Dependencies, 'db' | 'clock' | 'config' | 'metrics' | 'outbox'>, work: (trx: Kysely<Database>, queue: QueueMail) => Promise<T>): Promise<T> {
  let queued = 0;
  const result = await services.db.transaction().execute((trx) => {
    queued = 0;
    return work(trx, async (to, template) => {
      await enqueueMail(trx, { clock: services.clock, productName: services.config.mail.productName }, to, template);
      queued += 1;
    });
  });
  services.metrics.mail.queued(queued);
  if (queued > 0) services.outbox.wake();
  return result;
}
