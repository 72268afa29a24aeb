import { serialize } from 'cookie';
import type { Config } from '../config';
import { OAuthError } from '../errors';

type CookieConfig = Pick<Config, 'refreshCookie' | 'refreshCookieName' | 'refreshTokenTtl' | 'allowedOrigins'>;

// Path=/token: the browser sends it to the token and revocation endpoints and nowhere else.
const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/token' } as const;

export function setRefreshCookie(config: CookieConfig, token: string): Record<string, string> {
  return { 'Set-Cookie': serialize(config.refreshCookieName, token, { ...COOKIE_OPTIONS, maxAge: config.refreshTokenTtl }) };
}

/** Sent wherever a session ends; empty when refresh tokens do not travel in cookies. */
export function clearRefreshCookie(config: CookieConfig): Record<string, string> {
  if (!config.refreshCookie) return {};
  return { 'Set-Cookie': serialize(config.refreshCookieName, '', { ...COOKIE_OPTIONS, maxAge: 0 }) };
}

const crossSite = () => new OAuthError('invalid_request', 'The request origin is not allowed to use the refresh cookie.');

/**
 * In cookie mode a browser attaches the cookie by itself, so a page on another site could make a
 * victim's browser refresh, revoke or log in (CSRF). Browsers always send `Origin` with POST:
 * an unknown one is refused, and a cookie is only honoured with a known one.
 */
export function presentedRefreshToken(
  config: CookieConfig,
  fromForm: string | undefined,
  request: { cookies: Readonly<Record<string, string | undefined>>; origin: string | undefined },
): string | undefined {
  if (!config.refreshCookie) return fromForm;
  refuseForeignOrigin(config, request.origin);
  if (fromForm !== undefined) return fromForm;
  const fromCookie = request.cookies[config.refreshCookieName];
  if (fromCookie === undefined || fromCookie === '') return undefined;
  if (request.origin === undefined) throw crossSite();
  return fromCookie;
}

/** Cookie mode only: a request from a page on an origin we do not know is refused outright. */
export function refuseForeignOrigin(config: CookieConfig, origin: string | undefined): void {
  if (config.refreshCookie && origin !== undefined && !config.allowedOrigins.includes(origin)) throw crossSite();
}
