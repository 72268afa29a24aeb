import { serialize } from 'cookie';
import { cookieValues } from './refresh-cookie';

/**
 * The hosted pages' sign-in (single sign-on, docs/oauth.md): an opaque secret naming one session.
 * `__Host-`: Secure, Path=/, no Domain, so no subdomain can plant or shadow it. HttpOnly: page
 * scripts never see it. SameSite=Lax: sent on the top-level navigation from a relying party to
 * /oauth/authorize, never on a cross-site POST (and the consent POST is JSON, which a cross-site
 * form cannot send without a CORS preflight).
 */
export const SSO_COOKIE = '__Host-tollgate_sso';

export function setSsoCookie(secret: string, maxAgeSeconds: number): Record<string, string> {
  return {
    'Set-Cookie': serialize(SSO_COOKIE, secret, {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: maxAgeSeconds,
    }),
  };
}

/** The sign-in cookie's secret, if the request sent exactly one (two cookies of the name: neither is trusted). */
export function ssoSecretOf(cookieHeader: string | undefined): string | undefined {
  const values = cookieValues(cookieHeader, SSO_COOKIE).filter((v) => v !== '');
  const [secret] = values;
  return values.length === 1 && secret !== undefined && secret.length <= 128 ? secret : undefined;
}
