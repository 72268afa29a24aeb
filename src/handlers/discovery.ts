import { validationFailed } from '../http/errors';
import type { OperationHandler } from '../http/openapi/operation-types';
import { ALL_SCOPES } from '../security/scopes';
import { GRANT_TYPES } from './grants';

/** Keys change only on rotation (a restart), so resource servers and caches may keep them a while. */
const CACHEABLE = { 'Cache-Control': 'public, max-age=300' };

export const getJwks: OperationHandler<'getJwks'> = async (_input, services) => {
  return { status: 200, body: services.keys.jwks, headers: CACHEABLE };
};

/**
 * RFC 8414. Production requires PUBLIC_URL (config.ts), and only a document built on it is
 * publicly cacheable. Without it (development) the URLs follow the request's Host, so the document
 * is `no-store`: a Host or X-Forwarded-Host header can never plant its URLs in a shared cache.
 */
export const getAuthorizationServerMetadata: OperationHandler<'getAuthorizationServerMetadata'> = async (input, services) => {
  const configured = services.config.publicUrl;
  const base = configured ?? input.serverOrigin;
  if (base === undefined) throw validationFailed([{ location: 'header', field: 'host', message: 'is not a valid host' }]);
  return {
    status: 200,
    headers: configured === undefined ? { 'Cache-Control': 'no-store' } : CACHEABLE,
    body: {
      issuer: services.config.jwtIssuer,
      token_endpoint: `${base}/token`,
      revocation_endpoint: `${base}/token/revoke`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      // The grant registry's keys, which its type ties to the spec's TokenRequest branches.
      grant_types_supported: [...GRANT_TYPES],
      response_types_supported: [],
      scopes_supported: [...ALL_SCOPES],
      // Public clients only: the password and refresh grants take no client credentials.
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
    },
  };
};
