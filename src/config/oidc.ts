import type { EnvReader } from './env-reader';

export interface OidcConfig {
  /** The sign-in and consent page /oauth/authorize sends the browser to; a path alone when PUBLIC_URL is unset (development). */
  readonly authorizationUiUrl: string;
  /** PEM private key (RSA ≥ 2048 → RS256) that signs ID tokens; read at startup (src/security/id-token-keys.ts). */
  readonly idTokenPrivateKeyFile: string | undefined;
}

export interface OidcSettings {
  /** The authorization server and OpenID provider (docs/oauth.md). */
  readonly oidc: OidcConfig;
}

/** AUTHORIZATION_UI_URL (default {PUBLIC_URL}/ui/authorize), ID_TOKEN_PRIVATE_KEY_FILE. */
export function readOidcConfig(read: EnvReader, publicUrl: string | undefined): OidcSettings {
  const configured = read.text('AUTHORIZATION_UI_URL');
  if (configured !== undefined && !isHttpUrl(configured)) {
    read.problems.push(`AUTHORIZATION_UI_URL must be an http(s) URL without a query or fragment (got "${configured}")`);
  }
  const authorizationUiUrl = configured ?? `${publicUrl ?? ''}/ui/authorize`;
  return { oidc: { authorizationUiUrl, idTokenPrivateKeyFile: read.text('ID_TOKEN_PRIVATE_KEY_FILE') } };
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.search === '' &&
      url.hash === '' &&
      url.username === ''
    );
  } catch {
    return false;
  }
}
