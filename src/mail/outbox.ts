import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { insertMail } from '../repositories/outbox.repository';
import { renderMail, type MailTemplate } from './templates';

/**
 * Queues a mail. Pass the transaction that creates the token the mail carries: the mail exists
 * exactly when the token does, and the delivery worker sends it even if this process dies next.
 */
export async function enqueueMail(
  trx: Kysely<Database>,
  deps: { clock: Clock; productName: string },
  to: string,
  template: MailTemplate,
): Promise<void> {
  const mail = renderMail(deps.productName, template);
  const now = deps.clock.now().toISOString();
  await insertMail(trx, {
    recipient: to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
    created_at: now,
    next_attempt_at: now,
  });
}
