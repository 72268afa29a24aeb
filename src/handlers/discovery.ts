import type { components } from '../../generated/api';
import type { Dependencies } from '../dependencies';
import { validationFailed } from '../http/errors';
import type { OperationHandler } from '../http/openapi/operation-types';
import { ALL_SCOPES } from '../security/scopes';
import { GRANT_TYPES } from './grants';

/** Keys change only on rotation (a restart), so resource servers and caches may keep them a while. */
const CACHEABLE = { 'Cache-Control': 'public, max-age=300' };

export const getJwks: OperationHandler<'getJwks'> = async (_input, services) => {
  const { keys, idTokenKey } = services;
  // The ID-token key is published beside the access-token keys (once, when it is the same key).
  const idTokenJwk = idTokenKey && !keys.jwks.keys.some((k) => k.kid === idTokenKey.jwk.kid) ? [idTokenKey.jwk] : [];
  return { status: 200, body: { keys: [...keys.jwks.keys, ...idTokenJwk] }, headers: CACHEABLE };
};

/**
 * RFC 8414 and OpenID Connect Discovery: one document at both addresses. Production requires
 * PUBLIC_URL (config.ts), and only a document built on it is publicly cacheable. Without it
 * (development) the URLs follow the request's Host, so the document is `no-store`: a Host or
 * X-Forwarded-Host header can never plant its URLs in a shared cache.
 */
export const getAuthorizationServerMetadata: OperationHandler<'getAuthorizationServerMetadata'> = async (
  input,
  services,
) => metadata(input, services);

export const getOpenIdConfiguration: OperationHandler<'getOpenIdConfiguration'> = async (input, services) =>
  metadata(input, services);

type Metadata = components['schemas']['AuthorizationServerMetadata'];

async function metadata(
  input: { serverOrigin: string | undefined },
  services: Dependencies,
): Promise<{ status: 200; headers: Record<string, string>; body: Metadata }> {
  const configured = services.config.publicUrl;
  const base = configured ?? input.serverOrigin;
  if (base === undefined)
    throw validationFailed([{ location: 'header', field: 'host', message: 'is not a valid host' }]);
  const idTokenAlg = services.idTokenKey?.signing.alg;
  return {
    status: 200,
    headers: configured === undefined ? { 'Cache-Control': 'no-store' } : CACHEABLE,
    body: {
      issuer: services.config.jwtIssuer,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: `${base}/userinfo`,
      revocation_endpoint: `${base}/token/revoke`,
      introspection_endpoint: `${base}/token/introspect`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      // The grant registry's keys, which its type ties to the spec's TokenRequest branches.
      grant_types_supported: [...GRANT_TYPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      // Without an ID-token key, openid is refused (invalid_scope): not offered either.
      scopes_supported: ALL_SCOPES.filter((s) => s !== 'openid' || idTokenAlg !== undefined),
      // none: the first-party grants and public clients; the secret ways: confidential clients.
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      // none: first-party apps and public clients (their client_id); the secret ways: confidential clients.
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      // RFC 7662 §2.1: only an authenticated confidential client may ask.
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: idTokenAlg === undefined || idTokenAlg === 'HS256' ? [] : [idTokenAlg],
      subject_types_supported: ['public'],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'amr',
        'sid',
        'preferred_username',
        'email',
        'email_verified',
      ],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
    },
  };
}
