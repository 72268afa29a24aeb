import { audit, type ReauthenticatedOperation } from '../audit';
import type { UserRow } from '../db/schema';
import { passwordChangeThrottled, reauthenticationRequired, wrongCurrentPassword } from '../http/errors';
import type { Dependencies } from '../dependencies';
import { unhandledOutcome } from '../http/openapi/operation-types';
import { requireReauthentication } from '../services/reauthentication';

/**
 * Refuses a sensitive change unless the request carries the current password (see
 * services/reauthentication.ts): missing → 403 reauthentication_required, wrong → 403
 * invalid_credentials, too many wrong ones → 429 with Retry-After (the login limits).
 */
export async function reauthenticate(services: Dependencies, user: UserRow, currentPassword: string | undefined, clientIp: string, operation: ReauthenticatedOperation): Promise<void> {
  const proof = await requireReauthentication(services, user, currentPassword, clientIp);
  switch (proof.outcome) {
    case 'confirmed':
      return;
    case 'throttled':
      audit(services.logger, 'reauthentication_throttled', { user_id: user.id, operation, limit: proof.limit, retry_after: proof.retryAfter });
      throw passwordChangeThrottled(proof.retryAfter);
    case 'missing':
      audit(services.logger, 'reauthentication_failed', { user_id: user.id, operation, reason: proof.outcome });
      throw reauthenticationRequired();
    case 'wrong_password':
      audit(services.logger, 'reauthentication_failed', { user_id: user.id, operation, reason: proof.outcome });
      throw wrongCurrentPassword();
    default:
      return unhandledOutcome(proof);
  }
}
