import { audit } from '../audit';
import type { UserRow } from '../db/schema';
import { withMail } from './mail-transaction';
import { findUserById, findUserByNormalizedEmail, updateUser } from '../repositories/users.repository';
import type { Dependencies } from '../dependencies';
import { queueVerification } from './email-verification';

/**
 * PATCH /users/me {email}: the address is only recorded as pending. Taken or free, the answer is
 * the same; what differs (a confirmation link to it, or a notice to the account that has it) is
 * decided after answering, so neither the body nor the timing tells which addresses have accounts.
 */
export async function requestEmailChange(services: Dependencies, user: UserRow, email: string): Promise<UserRow> {
  if (email.toLowerCase() === user.email_normalized) return (await updateUser(services.db, user.id, { pending_email: null })) ?? user;
  const updated = (await updateUser(services.db, user.id, { pending_email: email })) ?? user;
  services.outbox.afterAnswer(() => mailEmailChange(services, user.id, email));
  return updated;
}

async function mailEmailChange(services: Dependencies, userId: number, email: string): Promise<void> {
  const [user, owner] = await Promise.all([findUserById(services.db, userId), findUserByNormalizedEmail(services.db, email.toLowerCase())]);
  // A later request replaced this one: that one mails.
  if (!user || user.pending_email !== email) return;
  await withMail(services, async (trx, queue) => {
    await queue(user.email, { kind: 'email_change_requested', newEmail: email });
    if (owner) await queue(owner.email, { kind: 'email_taken' });
    else await queueVerification(services, trx, queue, user.id, email);
  });
  audit(services.logger, 'email_change_requested', { user_id: user.id, address_taken: owner !== undefined });
}
