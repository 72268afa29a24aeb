import { login, registeredUser, type OAuthErrorBody, type TestUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { readUtf8Body } from '../../src/http/middleware/body-reader';

// Bytes that are not UTF-8 used to become U+FFFD silently (a password of latin-1 bytes was
// registered as "caf\uFFFD"), and a charset parameter was ignored.
let app: TestApp;
let alice: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  alice = await registeredUser(app);
});
afterAll(() => app.close());

const LATIN1_PASSWORD = Buffer.from('café-crème-brûlée', 'latin1');
const bytes = (...parts: (string | Buffer)[]) => new Uint8Array(Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part))));

async function problem(response: Response): Promise<[number, string]> {
  return [response.status, ((await response.json()) as { code: string }).code];
}

async function todoTitles(): Promise<string[]> {
  const { data } = await app.client.GET('/todos', { params: { query: { limit: 100 } }, headers: alice.auth });
  return (data?.items ?? []).map((todo) => todo.title);
}

describe('a JSON body whose bytes are not UTF-8 → 400', () => {
  test('registration with a latin-1 password → 400 malformed_body, and no user is created', async () => {
    const body = bytes('{"username":"latin1_user","email":"latin1@example.com","password":"', LATIN1_PASSWORD, '"}');
    expect(await problem(await app.raw('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))).toEqual([400, 'malformed_body']);
    expect((await login(app, 'latin1_user', 'caf\uFFFD-cr\uFFFDme-br\uFFFDl\uFFFDe')).status).toBe(400);
  });

  test('a todo title with a latin-1 byte, or a truncated UTF-8 sequence → 400, nothing stored', async () => {
    for (const title of [Buffer.from('Kaffee für alle', 'latin1'), Buffer.from([0x41, 0xe2, 0x82])]) {
      const response = await app.raw('/todos', { method: 'POST', headers: { ...alice.auth, 'content-type': 'application/json' }, body: bytes('{"title":"', title, '"}') });
      expect(await problem(response)).toEqual([400, 'malformed_body']);
    }
    expect((await todoTitles()).some((title) => title.includes('\uFFFD'))).toBe(false);
  });

  test('valid UTF-8 is untouched, even a real U+FFFD and a BOM-less multi-byte title', async () => {
    const response = await app.raw('/todos', { method: 'POST', headers: { ...alice.auth, 'content-type': 'application/json; charset=UTF-8' }, body: bytes('{"title":"Kaffee für alle \uFFFD 🍰"}') });
    expect(response.status).toBe(201);
    expect(await todoTitles()).toContain('Kaffee für alle \uFFFD 🍰');
  });
});

describe('a charset other than UTF-8 → 415', () => {
  test.each(['iso-8859-1', 'latin1', 'utf-16', '"windows-1252"'])('application/json; charset=%s → 415 unsupported_media_type', async (charset) => {
    const response = await app.raw('/todos', { method: 'POST', headers: { ...alice.auth, 'content-type': `application/json; charset=${charset}` }, body: '{"title":"plain ascii"}' });
    expect(await problem(response)).toEqual([415, 'unsupported_media_type']);
  });
});

// `utf8` is a label of UTF-8 (WHATWG Encoding Standard); it used to be refused with 415.
describe('charset=utf8, an alias of utf-8, is read as UTF-8', () => {
  test.each(['utf8', 'UTF8', '"utf8"'])('application/json; charset=%s → 201, the text stored as sent', async (charset) => {
    const title = `Kaffee für alle 🍰 (${charset})`;
    const response = await app.raw('/todos', { method: 'POST', headers: { ...alice.auth, 'content-type': `application/json; charset=${charset}` }, body: bytes(JSON.stringify({ title })) });
    expect(response.status).toBe(201);
    expect(await todoTitles()).toContain(title);
  });

  test('application/x-www-form-urlencoded; charset=utf8 → the token endpoint signs in', async () => {
    const body = bytes(`grant_type=password&username=${alice.username}&password=${encodeURIComponent(alice.password)}`);
    const response = await app.raw('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }, body });
    expect(response.status).toBe(200);
  });
});

describe('the token endpoint answers RFC 6749 §5.2', () => {
  const form = (body: Uint8Array<ArrayBuffer>, contentType = 'application/x-www-form-urlencoded'): RequestInit => ({ method: 'POST', headers: { 'content-type': contentType }, body });

  test('a latin-1 password byte (raw, or percent-encoded) → 400 invalid_request, the password never checked', async () => {
    const verify = jest.spyOn(app.server.services.passwords, 'verify');
    for (const password of [LATIN1_PASSWORD, Buffer.from('caf%E9')]) {
      const response = await app.raw('/token', form(bytes(`grant_type=password&username=${alice.username}&password=`, password)));
      expect(response.status).toBe(400);
      expect(((await response.json()) as OAuthErrorBody).error).toBe('invalid_request');
    }
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
  });

  test('a form in another charset → 400 invalid_request; charset=utf-8 is fine', async () => {
    const body = bytes(`grant_type=password&username=${alice.username}&password=${encodeURIComponent(alice.password)}`);
    const latin1 = await app.raw('/token', form(body, 'application/x-www-form-urlencoded; charset=iso-8859-1'));
    expect([latin1.status, ((await latin1.json()) as OAuthErrorBody).error]).toEqual([400, 'invalid_request']);
    expect((await app.raw('/token', form(body, 'application/x-www-form-urlencoded; charset=utf-8'))).status).toBe(200);
  });
});

describe('a compressed upload the client abandons', () => {
  test('the body read fails when the request stream is destroyed: nothing stays pending', async () => {
    const request = new PassThrough();
    const ctx = { request: { charset: '' }, req: request, get: (name: string) => (name === 'Content-Encoding' ? 'gzip' : '') } as unknown as Context;
    const reading = readUtf8Body(ctx);
    request.write(gzipSync(Buffer.from('{"title":"half a body"}')).subarray(0, 10));
    request.destroy();
    const settled = await Promise.race([reading.then(() => 'read', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('pending'), 1000))]);
    expect(settled).toBe('failed');
  });
});
