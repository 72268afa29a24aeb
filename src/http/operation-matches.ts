import type { OpenAPIRouter, Operation } from 'openapi-backend';

/** Distinct method-and-path pairs remembered; past this the memory starts over (random paths cannot grow it). */
const MAX_REMEMBERED = 10_000;

/**
 * openapi-backend matches a request to its operation by building a RegExp for every templated
 * path in the spec, on every call, and it is called twice per request (routing, then validation)
 * besides our own lookup before the body is read. The operations cannot change after init(), so
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
