import { OpenAPIRouter, type Request } from 'openapi-backend';
import { loadSpec } from '../../src/spec';
import { rememberOperationMatches } from '../../src/http/openapi/router-patches';

const definition = loadSpec().document;
const requests: Request[] = [
  { method: 'GET', path: '/users/me', headers: {} },
  { method: 'get', path: '/users/me', headers: {} },
  { method: 'GET', path: '/todos/7', headers: {} },
  { method: 'DELETE', path: '/todos/7', headers: {} },
  { method: 'PATCH', path: '/users/12', headers: {} },
  { method: 'PUT', path: '/users/me/password', headers: {} },
  { method: 'POST', path: '/token', headers: {} },
  { method: 'PUT', path: '/token', headers: {} },
  { method: 'GET', path: '/no/such/thing', headers: {} },
];

function outcome(router: OpenAPIRouter, request: Request, strict: boolean): string {
  try {
    return router.matchOperation(request, strict)?.operationId ?? 'undefined';
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

test('remembered matches answer exactly as openapi-backend does, strict or not, first time and after', () => {
  const plain = new OpenAPIRouter({ definition });
  const remembering = new OpenAPIRouter({ definition });
  rememberOperationMatches(remembering);
  for (const round of [1, 2]) {
    for (const request of requests) {
      for (const strict of [false, true]) {
        expect({ round, request, strict, answer: outcome(remembering, request, strict) }).toEqual({ round, request, strict, answer: outcome(plain, request, strict) });
      }
    }
  }
  // The cases above include each kind of answer, so the comparison covers all three.
  const answers = requests.map((request) => outcome(plain, request, true));
  expect(answers).toEqual(expect.arrayContaining(['getCurrentUser', expect.stringMatching(/^throws 404/), expect.stringMatching(/^throws 405/)]));
});
