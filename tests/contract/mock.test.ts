import { createClient, type TollgateClient } from '../../src/client';
import type { OperationId } from '../../src/http/openapi/operation-types';
import { checkResult, declaredOperations } from '../support/contract';
import { EVERY_OPERATION, EXAMPLE_CONTEXT } from '../support/every-operation';
import { startPrismMock, type RunningPrism } from '../support/prism';

let mock: RunningPrism;
let client: TollgateClient;
const operations = declaredOperations();
const operationIds = Object.keys(EVERY_OPERATION) as OperationId[];

beforeAll(async () => {
  mock = await startPrismMock();
  client = createClient({ baseUrl: mock.url });
  // The mock answers the spec's example token; the client then sends it on every call.
  const login = await client.login(EXAMPLE_CONTEXT.user.username, EXAMPLE_CONTEXT.user.password);
  if (!login.data) throw new Error(`login against the mock failed: ${login.response.status}\n${mock.output()}`);
}, 60_000);
afterAll(() => mock?.close());

function successStatusOf(operationId: OperationId): number {
  const status = operations.get(operationId)?.find((response) => response.status < 300)?.status;
  if (status === undefined) throw new Error(`${operationId} documents no success`);
  return status;
}

describe('npm run mock (Prism on openapi.yaml)', () => {
  test('every documented response with a body has an example, so the mock answers realistic shapes', () => {
    const missing = [...operations].flatMap(([id, responses]) =>
      responses.flatMap((response) => Object.entries(response.examples).filter(([, has]) => !has).map(([type]) => `${id} ${response.status} ${type}`)),
    );
    expect(missing).toEqual([]);
  });

  test('the typed client covers every operation of the spec', () => {
    expect([...operations.keys()].sort()).toEqual([...operationIds].sort());
  });

  test.each(operationIds)('%s answers its documented success, matching the spec', async (operationId) => {
    const result = await EVERY_OPERATION[operationId](client, EXAMPLE_CONTEXT);
    expect(result.response.status).toBe(successStatusOf(operationId));
    expect(checkResult(operationId, result)).toEqual([]);
  });

  test.each(operationIds)('%s answers every documented error on request (Prefer: code=…), matching the spec', async (operationId) => {
    const errors = (operations.get(operationId) ?? []).filter((response) => response.status >= 400);
    for (const { status } of errors) {
      const result = await EVERY_OPERATION[operationId](client, EXAMPLE_CONTEXT, { Prefer: `code=${status}` });
      expect({ status: result.response.status, breaches: checkResult(operationId, result) }).toEqual({ status, breaches: [] });
    }
  });

  describe('known Prism quirks the README warns about', () => {
    test('any "Bearer" token is accepted; a missing one answers 401', async () => {
      const accepted = await fetch(`${mock.url}/users/me`, { headers: { Authorization: 'Bearer x' } });
      const refused = await fetch(`${mock.url}/users/me`);
      expect([accepted.status, refused.status]).toEqual([200, 401]);
    });

    test('a lowercase "bearer" scheme is refused, though RFC 6750 allows it', async () => {
      const response = await fetch(`${mock.url}/users/me`, { headers: { Authorization: 'bearer x' } });
      expect(response.status).toBe(401);
    });
  });
});
