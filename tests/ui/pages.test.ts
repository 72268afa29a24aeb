import { readdirSync } from 'node:fs';
import path from 'node:path';
import { getWithHeaders } from '../support/node-get';
import { startTestApp, type TestApp } from '../support/test-app';

const UI = path.resolve(__dirname, '../../ui');
const PAGES = readdirSync(UI)
  .filter((name) => name.endsWith('.html'))
  .map((name) => `/ui/${name.slice(0, -'.html'.length)}`);
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const text = async (url: string) => (await app.raw(url)).text();

describe('the pages under /ui/', () => {
  test('the mail-link pages exist', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['/ui/reset-password', '/ui/verify-email']));
  });

  test.each(PAGES)('%s is served with the strict headers and never cached', async (page) => {
    const response = await app.raw(`${page}?token=abc`);
    expect(response.status).toBe(200);
    expect({
      type: response.headers.get('content-type'),
      csp: response.headers.get('content-security-policy'),
      referrer: response.headers.get('referrer-policy'),
      nosniff: response.headers.get('x-content-type-options'),
      frames: response.headers.get('x-frame-options'),
      cache: response.headers.get('cache-control'),
    }).toEqual({
      type: 'text/html; charset=utf-8',
      csp: CSP,
      referrer: 'no-referrer',
      nosniff: 'nosniff',
      frames: 'DENY',
      cache: 'no-store',
    });
    expect(await response.text()).toMatch(/^<!doctype html>/);
  });

  test.each(PAGES)(
    '%s loads only files of /ui/ on this server, and each is served with its type and the same headers',
    async (page) => {
      const html = await text(page);
      // Relative links (the pages also work under a path prefix), resolved as the browser does.
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(
        (match) => new URL(match[1] ?? '', `${app.url}${page}`),
      );
      expect(urls.filter((url) => url.origin !== app.url)).toEqual([]);
      const sources = urls.map((url) => url.pathname);
      expect(sources).toEqual(expect.arrayContaining(['/ui/common.css', `${page}.js`]));
      expect(sources.filter((source) => !source.startsWith('/ui/'))).toEqual([]);
      for (const source of sources) {
        const response = await app.raw(source);
        expect([
          source,
          response.status,
          response.headers.get('content-security-policy'),
          response.headers.get('x-content-type-options'),
        ]).toEqual([source, 200, CSP, 'nosniff']);
        const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, svg: /^image\/svg\+xml/ };
        expect(response.headers.get('content-type')).toMatch(types[source.split('.').pop() ?? ''] ?? /^none$/);
      }
    },
  );

  test.each(PAGES)('%s has no inline script or style (the CSP would block them)', async (page) => {
    const html = await text(page);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    expect(
      scripts.filter(([, attributes, body]) => !/\bsrc="/.test(attributes ?? '') || (body ?? '').trim() !== ''),
    ).toEqual([]);
    expect(html).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i);
  });

  test.each(PAGES)('%s: every input has a label naming it', async (page) => {
    const html = await text(page);
    const inputs = [...html.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)].map((match) => match[0]);
    const labelled = new Set([...html.matchAll(/<label\b[^>]*\bfor="([^"]+)"[^>]*>\s*\S/g)].map((match) => match[1]));
    const unlabelled = inputs.filter((input) => {
      if (/type="hidden"/.test(input)) return false;
      const id = /\bid="([^"]+)"/.exec(input)?.[1];
      return id === undefined || !labelled.has(id);
    });
    expect(unlabelled).toEqual([]);
  });

  test('scripts and styles are revalidated by their ETag: a matching If-None-Match is a 304', async () => {
    const first = await app.raw('/ui/common.js');
    const etag = first.headers.get('etag');
    expect([first.status, first.headers.get('cache-control'), etag]).toEqual([
      200,
      'no-cache',
      expect.stringMatching(/^"[\w-]+"$/),
    ]);
    // node:http: fetch adds Cache-Control: no-cache to a conditional request, which asks for a full answer.
    const again = await getWithHeaders(`${app.url}/ui/common.js`, { 'If-None-Match': etag ?? '' });
    expect([again.status, again.body]).toEqual([304, '']);
  });

  test('HEAD answers like GET without a body; other methods are 405 problems', async () => {
    const head = await app.raw('/ui/reset-password', { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const post = await app.raw('/ui/reset-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([post.status, post.headers.get('allow'), ((await post.json()) as { code: string }).code]).toEqual([
      405,
      'GET, HEAD',
      'method_not_allowed',
    ]);
  });

  test('only the listed files are served: unknown names, other folders and traversal are 404 problems', async () => {
    for (const probe of [
      '/ui/nope',
      '/ui/common',
      '/ui/reset-password.html',
      '/ui/',
      '/ui/..%2Fpackage.json',
      '/ui/reset-password/',
    ]) {
      const response = await app.raw(probe);
      expect([probe, response.status, response.headers.get('content-type')]).toEqual([
        probe,
        404,
        'application/problem+json',
      ]);
    }
  });
});
