import type { AuditEvents } from '../audit';
import type { Dependencies } from '../dependencies';
import { admit } from './throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config'>;

export type MailAdmission = { outcome: 'admitted' } | { outcome: 'throttled'; retryAfter: number };

/** What asks for mail to an address, and who when someone is logged in. */
export interface MailRequest {
  readonly operation: AuditEvents['mail_request_throttled']['operation'];
  readonly email: string;
  readonly clientIp: string;
  readonly userId?: number;
}

/**
 * Reset, verification and email-change requests, per address (EMAIL_MAX_PER_ADDRESS) and per client
 * IP (EMAIL_REQUESTS_MAX_PER_IP) within EMAIL_WINDOW. Counted before anyone looks the address up, so an
 * unknown address is limited exactly like a known one and the 429 tells nothing. An email change also
 * counts against its user (EMAIL_CHANGE_MAX_PER_USER): each one mails the current address, and new
 * target addresses from new client IPs would otherwise fill that inbox without end.
 */
export async function admitMailRequest(deps: Deps, request: MailRequest): Promise<MailAdmission> {
  const { maxPerIp, maxChangesPerUser, window: windowSeconds } = deps.config.mail;
  const admission = await admit(deps, [
    perAddress(deps, request),
    { subject: ['mail-ip', request.clientIp], max: maxPerIp, windowSeconds },
    ...(request.operation === 'email_change' && request.userId !== undefined
      ? [{ subject: ['email-change', String(request.userId)], max: maxChangesPerUser, windowSeconds }]
      : []),
  ]);
  return admission.admitted ? { outcome: 'admitted' } : { outcome: 'throttled', retryAfter: admission.retryAfter };
}

/**
 * Strangers can fill an address's reset count, so the owner's own request may get 429; they are
 * never left without a working link. Only reset requests count towards it (verification and change
 * requests, which mail the address no reset link, have a count of their own), each admitted one
 * mails the account a link that kills the older ones, and the count forgets a request no later than
 * its link expires: while the owner is refused, the newest link in their inbox still works.
 */
function perAddress(deps: Deps, request: MailRequest) {
  const { maxPerAddress, window, passwordResetTtl } = deps.config.mail;
  const address = request.email.toLowerCase();
  if (request.operation !== 'password_reset') return { subject: ['mail', 'address', address], max: maxPerAddress, windowSeconds: window };
  return { subject: ['mail', 'reset', address], max: maxPerAddress, windowSeconds: Math.min(window, passwordResetTtl) };
}
