import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import { methodNotAllowed } from '../errors';
import { READ_METHODS } from '../openapi/methods';

/**
 * The pages a browser needs (reset password, verify email, sign in…): static files from `ui/` at the
 * package root, beside openapi.yaml, so `npm run build` has nothing to copy. `ui/<name>.html` is
 * served at `/ui/<name>`, every other file at `/ui/<file>`. The pages are thin clients of the API:
 * their scripts call it with fetch, so nothing here knows about any page.
 */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The pages take passwords and carry bearer tokens in their URLs. Only our own files run and style
 * them (no inline script or style, so an injected tag does nothing), they talk only to this server,
 * forms post only here, no other site may frame them (clickjacking), and no Referer leaks the
 * token in the address to whatever a page links to or loads.
 */
export const UI_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // A page opened from another site's window gets no handle on it, nor it on the page.
  'Cross-Origin-Opener-Policy': 'same-origin',
};

interface UiFile {
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
  readonly cacheControl: string;
}

/** The `ui/` folder: at the package root, above both src/http/meta/ and dist/src/http/meta/. */
export function findUiFolder(): string {
  for (const dir of [path.resolve(__dirname, '../../..'), path.resolve(__dirname, '../../../..')]) {
    const candidate = path.join(dir, 'ui');
    if (existsSync(path.join(candidate, 'common.js'))) return candidate;
  }
  throw new Error(`ui/ not found above ${__dirname}`);
}

/** Every file is read once at startup: only names listed here are ever served, so no request path reaches the file system. */
export function readUiFiles(folder: string): ReadonlyMap<string, UiFile> {
  const files = new Map<string, UiFile>();
  for (const name of readdirSync(folder).sort()) {
    const type = TYPES[path.extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(path.join(folder, name));
    const html = name.endsWith('.html');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    // A page is never kept (it is opened with a token in its URL); scripts and styles are revalidated, so a deploy shows at once.
    files.set(html ? `/ui/${name.slice(0, -'.html'.length)}` : `/ui/${name}`, {
      type,
      body,
      etag,
      cacheControl: html ? 'no-store' : 'no-cache',
    });
  }
  return files;
}

/** GET /ui/…: the pages and their assets; any other path under /ui/ goes on to the API (a 404 problem). */
export function mountUiRoutes(app: Koa, files: ReadonlyMap<string, UiFile> = readUiFiles(findUiFolder())): void {
  // Not an async function: every API request passes through here.
  app.use((ctx, next) => {
    const file = ctx.path.startsWith('/ui/') ? files.get(ctx.path) : undefined;
    if (file === undefined) return next();
    serveFile(ctx, file);
    return Promise.resolve();
  });
}

function serveFile(ctx: Koa.Context, file: UiFile): void {
  if (!READ_METHODS.includes(ctx.method)) throw methodNotAllowed(ctx.method, READ_METHODS);
  ctx.set(UI_HEADERS);
  ctx.set('Cache-Control', file.cacheControl);
  ctx.type = file.type;
  if (file.cacheControl !== 'no-store') {
    ctx.etag = file.etag;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
  }
  ctx.body = file.body;
}
