import { httpUrl, type EnvReader } from './env-reader';

/** Where clients and browsers reach us. */
export interface PublicAddressConfig {
  /** Base URL clients reach us at (no trailing slash); undefined = derived from each request. */
  readonly publicUrl: string | undefined;
  /** Browser origins allowed to call us (CORS) and to use the refresh cookie. */
  readonly allowedOrigins: readonly string[];
}

export interface HttpServerConfig {
  readonly port: number;
  readonly host: string;
  /** Take the client IP from the last `X-Forwarded-For` entry (our own proxy's), not the socket. */
  readonly trustProxy: boolean;
  /** Seconds to let in-flight requests finish after SIGTERM/SIGINT before their connections are cut. */
  readonly shutdownTimeout: number;
  /** Seconds a client has to send its request headers (slow-headers clients are cut off). */
  readonly headersTimeout: number;
  /** Seconds a client has to send its whole request, headers and body; the handler's own time is not counted. */
  readonly requestTimeout: number;
  /** Seconds an idle keep-alive connection stays open between requests. */
  readonly keepAliveTimeout: number;
}

export function readPublicAddressConfig(read: EnvReader, production: boolean): PublicAddressConfig {
  const publicUrl = baseUrl(read.text('PUBLIC_URL'), read.problems);
  // The metadata document is publicly cacheable: its URLs must not come from a request's Host header.
  if (production && !read.text('PUBLIC_URL')) {
    read.problems.push('PUBLIC_URL must be set when NODE_ENV=production (the base URL clients reach this server at, like https://auth.example.com)');
  }
  return { publicUrl, allowedOrigins: origins(read.text('ALLOWED_ORIGINS'), read.problems) };
}

export function readHttpServerConfig(read: EnvReader): HttpServerConfig {
  const server = {
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.text('HOST') ?? '127.0.0.1',
    trustProxy: read.boolean('TRUST_PROXY', false),
    shutdownTimeout: read.integer('SHUTDOWN_TIMEOUT', 10, 0, 3600),
    headersTimeout: read.integer('HEADERS_TIMEOUT', 10, 1, 300),
    requestTimeout: read.integer('REQUEST_TIMEOUT', 30, 1, 3600),
    keepAliveTimeout: read.integer('KEEP_ALIVE_TIMEOUT', 5, 1, 3600),
  };
  // Node refuses a headers timeout longer than the request timeout; say so here rather than at listen().
  if (server.headersTimeout > server.requestTimeout) {
    read.problems.push(`HEADERS_TIMEOUT (${server.headersTimeout}) must not exceed REQUEST_TIMEOUT (${server.requestTimeout})`);
  }
  return server;
}

/**
 * Where a browser reaches the pages (`/ui/…`) that mail links and redirects lead to: PUBLIC_URL
 * (required in production), else, in development, this server's port on localhost. Never a
 * request's Host header: a link mailed to a user must not point wherever a request claimed.
 */
export function pagesBaseUrl(address: PublicAddressConfig, server: HttpServerConfig): string {
  return address.publicUrl ?? `http://localhost:${server.port}`;
}

/** An http(s) URL without query or fragment; a trailing slash is dropped so paths can be appended. */
function baseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = httpUrl(raw);
  if (!parsed || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    problems.push(`PUBLIC_URL must be an http(s) URL like https://auth.example.com (got "${raw}")`);
    return undefined;
  }
  return parsed.href.replace(/\/+$/, '');
}

/** Comma-separated origins, each exactly scheme://host[:port] as browsers send it in `Origin`. */
function origins(raw: string | undefined, problems: string[]): string[] {
  const list = (raw ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0);
  for (const origin of list) {
    if (httpUrl(origin)?.origin !== origin) {
      problems.push(`ALLOWED_ORIGINS entries must be origins like https://app.example.com (got "${origin}")`);
    }
  }
  return list;
}
