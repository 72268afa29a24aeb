import type { components } from '../../generated/api';
import type { OAuthClientRow } from '../db/oauth-schema';
import type { PasskeyRow } from '../db/passkey-schema';
import type { TodoRow, UserRow } from '../db/schema';
import { unhandledOutcome } from '../http/openapi/operation-types';
import type { Introspection } from '../services/introspection';
import type { LiveAccessToken } from '../services/live-access-tokens';
import { grantTypesOf, redirectUrisOf } from '../services/oauth/clients';
import type { LiveRefreshToken } from '../services/refresh-tokens';

type User = components['schemas']['User'];
type Todo = components['schemas']['Todo'];
type Passkey = components['schemas']['Passkey'];

/** Allow-lists of public fields: a password hash has no way out. */
export function presentUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    is_active: row.is_active === 1,
    mfa_enabled: row.mfa_enabled === 1,
    roles: [row.role],
    created_at: row.created_at,
    email_verified: row.email_verified === 1,
    pending_email: row.pending_email,
  };
}

export function presentTodo(row: TodoRow): Todo {
  return { id: row.id, title: row.title, done: row.done === 1, created_at: row.created_at, updated_at: row.updated_at };
}

type OAuthClient = components['schemas']['OAuthClient'];

/** Never the secret's hash: the secret itself is shown once, at registration. */
export function presentOauthClient(row: OAuthClientRow): OAuthClient {
  return {
    client_id: row.client_id,
    name: row.name,
    type: row.type,
    redirect_uris: redirectUrisOf(row),
    grant_types: grantTypesOf(row),
    scope: row.scope,
    created_at: row.created_at,
  };
}

/** Neither the credential id nor the public key leaves the server: the id is ours, the rest is metadata. */
export function presentPasskey(row: PasskeyRow): Passkey {
  return {
    id: row.id,
    name: row.name,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    backed_up: row.backed_up === 1,
    device_type: row.device_type,
    aaguid: row.aaguid,
  };
}

type IntrospectionResponse = components['schemas']['IntrospectionResponse'];

/**
 * RFC 7662 §2.2. An inactive token is `{active: false}` and nothing more: the answer never says
 * why, nor whether the token was ever ours.
 */
export function presentIntrospection(found: Introspection, issuer: string): IntrospectionResponse {
  switch (found.outcome) {
    case 'inactive':
      return { active: false };
    case 'access_token':
      return presentAccessToken(found.token);
    case 'refresh_token':
      return presentRefreshToken(found.token, found.clientId, issuer);
    default:
      return unhandledOutcome(found);
  }
}

function presentAccessToken({ claims, scopes, ...live }: LiveAccessToken): IntrospectionResponse {
  const { sub, exp, iat, iss, aud } = claims;
  return {
    active: true,
    token_type: 'Bearer',
    scope: scopes.join(' '),
    sub,
    ...(live.kind === 'user' && { username: live.user.username }),
    ...(claims.client_id !== undefined && { client_id: claims.client_id }),
    ...(claims.sid !== undefined && { sid: claims.sid }),
    exp,
    iat,
    iss,
    aud,
  };
}

function presentRefreshToken(
  { row, user, scopes }: LiveRefreshToken,
  clientId: string,
  issuer: string,
): IntrospectionResponse {
  return {
    active: true,
    token_type: 'refresh_token',
    scope: scopes.join(' '),
    sub: String(user.id),
    username: user.username,
    client_id: clientId,
    sid: row.family_id,
    exp: epochSecondsOf(row.expires_at),
    iat: epochSecondsOf(row.created_at),
    iss: issuer,
  };
}

const epochSecondsOf = (timestamp: string): number => Math.floor(Date.parse(timestamp) / 1000);
