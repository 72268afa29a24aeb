import type { Dependencies } from '../dependencies';
import { admit } from './throttle';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config'>;

export type MailAdmission = { outcome: 'admitted' } | { outcome: 'throttled'; retryAfter: number };

/**
 * Reset, verification and email-change requests, per address (EMAIL_MAX_PER_ADDRESS) and per client
 * IP (EMAIL_REQUESTS_MAX_PER_IP) within EMAIL_WINDOW. Counted before anyone looks the address up, so an
 * unknown address is limited exactly like a known one and the 429 tells nothing.
 */
export async function admitMailRequest(deps: Deps, email: string, clientIp: string): Promise<MailAdmission> {
  const { maxPerAddress, maxPerIp, window: windowSeconds } = deps.config.mail;
  const admission = await admit(deps, [
    { subject: ['mail', email.toLowerCase()], max: maxPerAddress, windowSeconds },
    { subject: ['mail-ip', clientIp], max: maxPerIp, windowSeconds },
  ]);
  return admission.admitted ? { outcome: 'admitted' } : { outcome: 'throttled', retryAfter: admission.retryAfter };
}
