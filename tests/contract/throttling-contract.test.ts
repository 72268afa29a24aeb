import { loadSpec } from '../../src/spec';

type Media = { schema?: { $ref?: string }; example?: unknown };
type Response = { $ref?: string; headers?: Record<string, { $ref?: string }>; content?: Record<string, Media> };
type Document = {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, Response> }>>;
  components: { responses: Record<string, Response> };
};

const document = loadSpec().document as unknown as Document;

function response429(operationId: string): Response | undefined {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (operation.operationId !== operationId) continue;
      const declared = operation.responses['429'];
      const ref = declared?.$ref?.split('/').pop();
      return ref ? document.components.responses[ref] : declared;
    }
  }
  return undefined;
}

test.each([
  ['issueToken', 'application/json', { error: 'temporarily_unavailable' }],
  ['createUser', 'application/problem+json', { status: 429, code: 'too_many_requests' }],
])('%s declares 429 with Retry-After and an example', (operationId, mediaType, example) => {
  const declared = response429(operationId);
  expect(declared?.headers?.['Retry-After']?.$ref).toBe('#/components/headers/RetryAfter');
  expect(declared?.content?.[mediaType]?.example).toMatchObject(example);
});
