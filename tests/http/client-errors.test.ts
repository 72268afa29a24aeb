import { responseBreaches } from '../support/contract';
import { openConnection, rawRequest } from '../support/raw-socket';
import { startTestApp, type TestApp } from '../support/test-app';

// What Node's HTTP parser refuses never reaches Koa; it used to be a bare status line with no body,
// which the spec did not document. Now it is problem details, documented on every operation.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

async function sendRaw(bytes: string): Promise<RawResponse> {
  const connection = await openConnection(Number(new URL(app.url).port));
  connection.socket.write(bytes);
  await connection.closed;
  const [head = '', body = ''] = connection.received().split('\r\n\r\n');
  const [statusLine = '', ...fields] = head.split('\r\n');
  const headers = Object.fromEntries(
    fields.map((field) => [
      field.slice(0, field.indexOf(':')).toLowerCase(),
      field.slice(field.indexOf(':') + 1).trim(),
    ]),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body === '' ? undefined : (JSON.parse(body) as unknown),
  };
}

describe('requests refused before routing are answered with documented problem details', () => {
  test('headers over 16 KB → 431 headers_too_large, as documented for the operation addressed', async () => {
    const response = await sendRaw(rawRequest('GET', '/users/me', { 'X-Padding': 'x'.repeat(20 * 1024) }));
    expect(response).toMatchObject({
      status: 431,
      headers: { 'content-type': 'application/problem+json', 'x-content-type-options': 'nosniff', connection: 'close' },
      body: { status: 431, code: 'headers_too_large' },
    });
    expect(responseBreaches('getCurrentUser', 431, response.headers['content-type'], response.body)).toEqual([]);
    expect(responseBreaches('issueToken', 431, response.headers['content-type'], response.body)).toEqual([]);
  });

  test.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
    ['a header name with a space', 'GET /users/me HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
    ['a Content-Length that is not a number', 'POST /todos HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n'],
  ])('%s → 400 malformed_request, documented even at /token', async (_name, bytes) => {
    const response = await sendRaw(bytes);
    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': 'application/problem+json' },
      body: { code: 'malformed_request' },
    });
    for (const operation of ['createTodo', 'issueToken', 'revokeToken'])
      expect(responseBreaches(operation, 400, response.headers['content-type'], response.body)).toEqual([]);
  });

  test('the app keeps serving after them', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
