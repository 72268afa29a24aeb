import type { OpenAPIRouter, Operation } from 'openapi-backend';

/** Distinct method-and-path pairs remembered; past this the memory starts over (random paths cannot grow it). */
const MAX_REMEMBERED = 10_000;

/**
 * openapi-backend matches a request to its operation by building a RegExp for every templated
 * path in the spec, on every call, and every request is looked up before its body is read (and a
 * request that reaches no operation once more, for its 404 or 405). The operations cannot change after init(), so
 * the answer for a method and path (an operation, or the 404/405 error) is remembered.
 */
export function rememberOperationMatches(router: OpenAPIRouter): void {
  const match = router.matchOperation.bind(router);
  const answers = new Map<string, Operation | Error>();
  router.matchOperation = ((request, strict) => {
    const key = `${request.method} ${request.path}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      try {
        answer = match(request, true);
      } catch (error) {
        answer = error instanceof Error ? error : new Error(String(error));
      }
      if (answers.size >= MAX_REMEMBERED) answers.clear();
      answers.set(key, answer);
    }
    if (!(answer instanceof Error)) return answer;
    if (strict) throw answer;
    return undefined;
  }) as OpenAPIRouter['matchOperation'];
}

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
