import { createReadStream } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';

/** Swagger UI's own files, served from the swagger-ui-dist package: the page loads nothing from a CDN. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tollgate API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// The spec's `servers` names the default local address; the docs talk to whichever server serves
// them, so "Try it out" and the token URL follow the page's origin. validatorUrl null: the default
// sends our spec to validator.swagger.io. The scopes are preselected so "Authorize" asks for a normal
// user's scopes (an empty scope= would be refused as invalid_request).
const INIT = `fetch('/openapi.json')
  .then((response) => response.json())
  .then((spec) => {
    spec.servers = [{ url: window.location.origin, description: 'This server' }];
    window.ui = SwaggerUIBundle({
      spec,
      dom_id: '#swagger-ui',
      validatorUrl: null,
      oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect.html',
      displayOperationId: true,
    });
    window.ui.initOAuth({ clientId: 'swagger-ui', scopes: ['me', 'todos:read', 'todos:write'] });
  });
`;

/**
 * The Authorize dialog takes passwords: no other site may frame the page (clickjacking), it runs
 * only our own scripts (no inline script, no eval), talks only to this server, and sends no
 * Referer on the links it follows. Swagger UI sets inline styles, hence style-src 'unsafe-inline';
 * its icons are data: URLs.
 */
const DOCS_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
};

export const DOCS_PATHS: readonly string[] = ['/docs', '/docs/init.js', ...Object.keys(ASSETS).map((file) => `/docs/${file}`)];

/** GET /docs: Swagger UI on our own spec, with "Authorize" doing the OAuth2 password flow against /token. */
export function mountDocsRoutes(router: Router): void {
  // The folder only: importing swagger-ui-dist itself would evaluate its 1.5 MB browser bundle in the server (≈ startup time and RSS).
  const root = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get('/docs', (ctx) => {
    ctx.set(DOCS_HEADERS);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.set(DOCS_HEADERS);
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = INIT;
  });
  for (const [file, type] of Object.entries(ASSETS)) {
    router.get(`/docs/${file}`, (ctx) => {
      ctx.type = type;
      ctx.set(DOCS_HEADERS);
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = createReadStream(path.join(root, file));
    });
  }
}
