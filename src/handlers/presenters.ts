import type { components } from '../../generated/api';
import type { OAuthClientRow } from '../db/oauth-schema';
import type { PasskeyRow } from '../db/passkey-schema';
import type { TodoRow, UserRow } from '../db/schema';
import { grantTypesOf, redirectUrisOf } from '../services/oauth/clients';

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
