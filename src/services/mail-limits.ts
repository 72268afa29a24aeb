import type { Dependencies } from '../dependencies';
import { admit } from './throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config'>;

export type MailAdmission = { outcome: 'admitted' } | { outcome: 'throttled'; retryAfter: number };

/**
 * Reset, verification and email-change requests, per address (EMAIL_MAX_PER_ADDRESS) and per client
 * IP (EMAIL_REQUESTS_MAX_PER_IP) within EMAIL_WINDOW. Counted before anyone looks the address up, so an
 * unknown address is limited exactly like a known one and the 429 tells nothing. An email change also
 * counts against its user (EMAIL_CHANGE_MAX_PER_USER): each one mails the current address, and new
 * target addresses from new client IPs would otherwise fill that inbox without end.
 */
export async function admitMailRequest(deps: Deps, email: string, clientIp: string, changingUserId?: number): Promise<MailAdmission> {
  const { maxPerAddress, maxPerIp, maxChangesPerUser, window: windowSeconds } = deps.config.mail;
  const admission = await admit(deps, [
    { subject: ['mail', email.toLowerCase()], max: maxPerAddress, windowSeconds },
    { subject: ['mail-ip', clientIp], max: maxPerIp, windowSeconds },
    ...(changingUserId === undefined ? [] : [{ subject: ['email-change', String(changingUserId)], max: maxChangesPerUser, windowSeconds }]),
  ]);
  return admission.admitted ? { outcome: 'admitted' } : { outcome: 'throttled', retryAfter: admission.retryAfter };
}
