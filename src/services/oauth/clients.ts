import type { Updateable } from 'kysely';
import { audit } from '../../audit';
import type { OAuthClientRow, OAuthClientTable } from '../../db/oauth-schema';
import type { Dependencies } from '../../dependencies';
import {
  deleteOauthClient,
  findOauthClient,
  insertOauthClient,
  updateOauthClient,
} from '../../repositories/oauth-clients.repository';
import { endClientSessions } from '../../repositories/oauth-sessions.repository';
import { hashSecret, newClientId, newOpaqueSecret } from '../../security/oauth-secrets';
import { redirectUriProblem } from '../../security/redirect-uris';
import { ALL_SCOPES, isScope, parseScope } from '../../security/scopes';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;

export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];

export interface ClientSettings {
  readonly name?: string;
  readonly redirect_uris?: readonly string[];
  readonly grant_types?: readonly ClientGrantType[];
  readonly scope?: string;
}

export type ClientProblem = { field: string; message: string };
export type CreateClientOutcome =
  | { outcome: 'created'; client: OAuthClientRow; secret: string | undefined }
  | { outcome: 'invalid'; problems: ClientProblem[] };
export type UpdateClientOutcome =
  | { outcome: 'updated'; client: OAuthClientRow }
  | { outcome: 'not_found' }
  | { outcome: 'invalid'; problems: ClientProblem[] };

const DEFAULT_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
/** Every scope but users:admin, which a client gets only when its registration lists it. */
const DEFAULT_SCOPE = ALL_SCOPES.filter((s) => s !== 'users:admin').join(' ');

export async function registerClient(
  deps: Deps,
  settings: ClientSettings & { name: string; type: 'public' | 'confidential' },
): Promise<CreateClientOutcome> {
  const grantTypes = settings.grant_types ?? DEFAULT_GRANT_TYPES;
  const redirectUris = settings.redirect_uris ?? [];
  const problems = settingsProblems(settings.type, redirectUris, grantTypes, settings.scope);
  if (problems.length > 0) return { outcome: 'invalid', problems };
  const secret = settings.type === 'confidential' ? newOpaqueSecret() : undefined;
  const client = await insertOauthClient(deps.db, {
    client_id: newClientId(),
    name: settings.name,
    type: settings.type,
    secret_hash: secret === undefined ? null : hashSecret(secret),
    redirect_uris: JSON.stringify(redirectUris),
    grant_types: grantTypes.join(' '),
    scope: settings.scope === undefined ? DEFAULT_SCOPE : parseScope(settings.scope).join(' '),
    created_at: deps.clock.now().toISOString(),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
  });
  audit(deps.logger, 'oauth_client_created', { client_id: client.client_id });
  return { outcome: 'created', client, secret };
}

export async function changeClient(
  deps: Deps,
  clientId: string,
  settings: ClientSettings,
): Promise<UpdateClientOutcome> {
  const current = await findOauthClient(deps.db, clientId);
  if (!current) return { outcome: 'not_found' };
  const redirectUris = settings.redirect_uris ?? redirectUrisOf(current);
  const grantTypes = settings.grant_types ?? grantTypesOf(current);
  const problems = settingsProblems(current.type, redirectUris, grantTypes, settings.scope);
  if (problems.length > 0) return { outcome: 'invalid', problems };
  const changes: Updateable<OAuthClientTable> = {
    ...(settings.name !== undefined && { name: settings.name }),
    ...(settings.redirect_uris !== undefined && { redirect_uris: JSON.stringify(settings.redirect_uris) }),
    ...(settings.grant_types !== undefined && { grant_types: settings.grant_types.join(' ') }),
    ...(settings.scope !== undefined && { scope: parseScope(settings.scope).join(' ') }),
  };
  const client = await updateOauthClient(deps.db, clientId, changes);
  return client ? { outcome: 'updated', client } : { outcome: 'not_found' };
}

/** Deleting a client ends its sessions (refresh tokens revoked, access tokens failing the session join) in the same transaction. */
export async function removeClient(deps: Deps, clientId: string): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const deleted = await deps.db.transaction().execute(async (trx) => {
    await endClientSessions(trx, clientId, undefined, at);
    return deleteOauthClient(trx, clientId);
  });
  if (deleted) audit(deps.logger, 'oauth_client_deleted', { client_id: clientId });
  return deleted;
}

export function redirectUrisOf(client: OAuthClientRow): string[] {
  return JSON.parse(client.redirect_uris) as string[];
}

/** Whether the client's registration lists the grant (its `grant_types`). */
export function allowsGrant(client: OAuthClientRow, grantType: ClientGrantType): boolean {
  return client.grant_types.split(' ').includes(grantType);
}

export function grantTypesOf(client: OAuthClientRow): ClientGrantType[] {
  return client.grant_types
    .split(' ')
    .filter((g): g is ClientGrantType => (CLIENT_GRANT_TYPES as readonly string[]).includes(g));
}

function settingsProblems(
  type: 'public' | 'confidential',
  redirectUris: readonly string[],
  grantTypes: readonly string[],
  scope: string | undefined,
): ClientProblem[] {
  const problems: ClientProblem[] = [];
  redirectUris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) problems.push({ field: `redirect_uris/${i}`, message: problem });
  });
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
    problems.push({ field: 'redirect_uris', message: 'must list at least one URI for the authorization_code grant' });
  // RFC 6749 §4.4: only a client that can keep a secret may get tokens on its own word.
  if (grantTypes.includes('client_credentials') && type !== 'confidential')
    problems.push({ field: 'grant_types', message: 'client_credentials needs a confidential client' });
  const unknown = parseScope(scope).filter((s) => !isScope(s));
  if (unknown.length > 0)
    problems.push({ field: 'scope', message: `names scopes this server does not have: ${unknown.join(' ')}` });
  return problems;
}
