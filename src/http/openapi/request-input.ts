import type { Context as KoaContext } from 'koa';
import type { ErrorObject } from 'ajv';
import { parse as parseCookies } from 'cookie';
import type { ParsedRequest } from 'openapi-backend';
import { firstHeaderValue } from './bearer';
import type { Route } from './routes';

type Query = Record<string, string | string[]>;

/** The request as the security handler and the validators see it (openapi-backend's ParsedRequest). */
export type Request = ParsedRequest<
  unknown,
  Record<string, string>,
  Query,
  KoaContext['headers'],
  Record<string, string>
>;

/**
 * The request as openapi-backend's parseRequest gave it to the handlers: headers, a copy of the
 * query (validation coerces it in place), cookies when the operation declares any, the body the
 * body parser read, and the path parameters.
 */
export function parseRequest(ctx: KoaContext, method: string, route: Route): Request {
  const headers = route.declaresHeaders ? { ...ctx.headers } : ctx.headers;
  const path = requestPathOf(ctx.path);
  return {
    method: method.toLowerCase(),
    path,
    headers,
    query: ctx.querystring === '' ? {} : copyOf(ctx.query as Query),
    cookies: route.declaresCookies ? parseCookies([headers.cookie ?? ''].flat().join('; ')) : {},
    requestBody: ctx.request.body,
    body: ctx.request.body,
    params: route.pathParameters(path),
  } as Request;
}

/** lodash's cloneDeep of the query, as openapi-backend made it: own keys (`__proto__` too), lists copied. */
function copyOf(query: Query): Query {
  const copy: Query = {};
  for (const key of Object.keys(query)) {
    const value = query[key] as string | string[];
    const copied = Array.isArray(value) ? [...value] : value;
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: copied, writable: true, enumerable: true, configurable: true });
    else copy[key] = copied;
  }
  return copy;
}

/** The request path as openapi-backend's normalizeRequest wrote it (in 404 and 405 answers). */
export function requestPathOf(path: string): string {
  const trimmed = path.trim();
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).split('?')[0] as string;
}

export interface Validated {
  readonly errors: ErrorObject[];
  readonly path: unknown;
  readonly query: unknown;
}

/** openapi-backend's validateRequest, on the request parsed once: its compiled validators, the same input. */
export function validate(route: Route, request: Request): Validated {
  const { query } = request;
  for (const name of route.arrayQueryParameters) {
    if (typeof query[name] === 'string') query[name] = [query[name]];
  }
  const parameters: Record<string, unknown> = {
    path: request.params,
    query,
    header: request.headers,
    cookie: request.cookies,
  };
  const rawContentType = request.headers['content-type'];
  const contentType = String(firstHeaderValue(rawContentType) || '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (typeof request.requestBody === 'object' || contentType === 'application/json') {
    parameters.requestBody = request.requestBody;
  }
  const errors: ErrorObject[] = [];
  let path: unknown = request.params;
  let coercedQuery: unknown = query;
  for (const validator of route.validators) {
    validator(parameters);
    if (validator.errors) errors.push(...validator.errors);
    else {
      coercedQuery = parameters.query;
      path = parameters.path;
    }
  }
  return { errors, path, query: coercedQuery };
}
