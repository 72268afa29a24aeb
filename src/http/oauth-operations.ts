import type { OperationId } from './operation-types';

/** Operations that speak RFC 6749 §5.2 errors instead of problem details. */
export const OAUTH_OPERATIONS: ReadonlySet<string> = new Set<OperationId>(['issueToken', 'revokeToken']);
