import { audit, type ReauthenticatedOperation } from '../audit';
import type { UserRow } from '../db/schema';
import { passwordChangeThrottled, reauthenticationRequired, wrongCurrentPassword } from '../http/errors';
import type { Dependencies } from '../dependencies';
import { requireReauthentication } from '../services/reauthentication';

/**
 * Refuses a sensitive change unless the request carries the current password (see
 * services/reauthentication.ts): missing → 403 reauthentication_required, wrong → 403
 * invalid_credentials, too many wrong ones → 429 with Retry-After (the login limits).
 */
export async function reauthenticate(services: Dependencies, user: UserRow, currentPassword: string | undefined, clientIp: string, operation: ReauthenticatedOperation): Promise<void> {
  const proof = await requireReauthentication(services, user, currentPassword, clientIp);
  if (proof.outcome === 'confirmed') return;
  if (proof.outcome === 'throttled') {
    audit(services.logger, 'reauthentication_throttled', { user_id: user.id, operation, limit: proof.limit, retry_after: proof.retryAfter });
    throw passwordChangeThrottled(proof.retryAfter);
  }
  audit(services.logger, 'reauthentication_failed', { user_id: user.id, operation, reason: proof.outcome });
  throw proof.outcome === 'missing' ? reauthenticationRequired() : wrongCurrentPassword();
}
