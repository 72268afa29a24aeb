import type { OpenAPIRouter, Operation } from 'openapi-backend';

/**
 * openapi-backend rebuilds its list of operations (a lodash pass over every path, each operation
 * copied) on every call, and calls it several times per request: routing, validation, lookups by
 * operationId. In the profile of `GET /users/me` that was the largest single cost. The definition
 * cannot change after init(), so the list is built once here and operationIds are looked up in a Map.
 */
export function buildOperationListOnce(router: OpenAPIRouter): void {
  const operations = router.getOperations();
  const byId = new Map<string, Operation>(operations.map((op) => [op.operationId ?? '', op]));
  router.getOperations = () => operations;
  router.getOperation = (operationId: string) => byId.get(operationId);
}
