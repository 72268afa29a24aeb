import type { OperationId } from '../../src/http/operation-types';

/**
 * Operations whose handlers are still `pending` on main (src/handlers/pending.ts, being written on
 * other branches). The proxy contract run skips exactly these; empty this list as each one lands.
 */
export const PENDING_OPERATIONS: ReadonlySet<OperationId> = new Set<OperationId>([
  // Issue 16 (second factor, sessions): proven over HTTP by tests/api/mfa*.test.ts and user-sessions.test.ts;
  // their proxy-contract scenarios are not written yet.
  'listSessions',
  'endSession',
  'startTotpEnrolment',
  'confirmTotpEnrolment',
  'disableTotp',
  'regenerateRecoveryCodes',
  'resetUserMfa',
]);
