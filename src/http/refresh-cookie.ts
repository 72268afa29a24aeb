import { serialize } from 'cookie';
import type { Config } from '../config';
import { crossSiteRefresh as crossSite } from './errors';

type CookieConfig = Pick<Config, 'refreshCookie' | 'refreshCookieName' | 'refreshTokenTtl' | 'allowedOrigins'>;

/**
 * A `__Host-` cookie (the default name) is Secure, Path=/ and has no Domain, and browsers refuse
 * to let anything else set one, so a sibling subdomain or a plain-http page cannot plant or shadow
 * it. Another configured name keeps Path=/token, where it is sent to the token and revocation
 * endpoints only (and where cookies set before the default changed still live).
 */
function cookieOptions(name: string) {
  return { httpOnly: true, secure: true, sameSite: 'strict', path: name.startsWith('__Host-') ? '/' : '/token' } as const;
}

export function setRefreshCookie(config: CookieConfig, token: string): Record<string, string> {
  const name = config.refreshCookieName;
  return { 'Set-Cookie': serialize(name, token, { ...cookieOptions(name), maxAge: config.refreshTokenTtl }) };
}

/** Sent wherever a session ends; empty when refresh tokens do not travel in cookies. */
export function clearRefreshCookie(config: CookieConfig): Record<string, string> {
  if (!config.refreshCookie) return {};
  const name = config.refreshCookieName;
  return { 'Set-Cookie': serialize(name, '', { ...cookieOptions(name), maxAge: 0 }) };
}

/** The refresh token a request presents; `ambiguous` when it sent two refresh cookies and neither is trusted. */
export type PresentedRefreshToken = { outcome: 'token'; token: string } | { outcome: 'missing' } | { outcome: 'ambiguous' };

/**
 * In cookie mode a browser attaches the cookie by itself, so a page on another site could make a
 * victim's browser refresh, revoke or log in (CSRF). Browsers always send `Origin` with POST:
 * an unknown one is refused, and a cookie is only honoured with a known one. With cookie mode off
 * the Cookie header is not read at all.
 */
export function presentedRefreshToken(
  config: CookieConfig,
  fromForm: string | undefined,
  request: { cookieHeader: string | undefined; origin: string | undefined },
): PresentedRefreshToken {
  if (!config.refreshCookie) return fromForm === undefined ? { outcome: 'missing' } : { outcome: 'token', token: fromForm };
  refuseForeignOrigin(config, request.origin);
  if (fromForm !== undefined) return { outcome: 'token', token: fromForm };
  const fromCookie = cookieValues(request.cookieHeader, config.refreshCookieName).filter((value) => value !== '');
  if (fromCookie.length === 0) return { outcome: 'missing' };
  if (request.origin === undefined) throw crossSite();
  // Two cookies of one name (one planted with another Path or Domain): the first is not trusted to be ours.
  const [token] = fromCookie;
  return fromCookie.length === 1 && token !== undefined ? { outcome: 'token', token } : { outcome: 'ambiguous' };
}

/** Cookie mode only: a request from a page on an origin we do not know is refused outright. */
export function refuseForeignOrigin(config: CookieConfig, origin: string | undefined): void {
  if (config.refreshCookie && origin !== undefined && !config.allowedOrigins.includes(origin)) throw crossSite();
}

/**
 * Every value the Cookie header gives `name` (RFC 6265 §5.4: one pair per matching cookie), as
 * sent: a value that is not a token simply matches no session. A parser keeping one value per name
 * would hide a second cookie.
 */
function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim() === name) values.push(unquoted(pair.slice(equals + 1).trim()));
  }
  return values;
}

function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
