/** The path-item methods the spec's operations use (OpenAPI keys, lower case); HEAD is answered as GET. */
export const OPERATION_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** What a read-only route answers: RFC 9110 §9.3.2, HEAD is GET without the body. */
export const READ_METHODS: readonly string[] = ['GET', 'HEAD'];

/** The methods on the wire that reach an operation of this spec method: GET's include HEAD. */
export function wireMethodsOf(method: (typeof OPERATION_METHODS)[number]): readonly string[] {
  return method === 'get' ? READ_METHODS : [method.toUpperCase()];
}

/** Every method a request to the API may use, as sent on the wire. */
export const API_METHODS: readonly string[] = OPERATION_METHODS.flatMap(wireMethodsOf);
