import { clientNotFound, invalidClientSettings, publicClient } from '../http/errors';
import { adminActor, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import { findOauthClient, selectOauthClients } from '../repositories/oauth-clients.repository';
import { rotateClientSecret } from '../services/oauth/client-secrets';
import { changeClient, registerClient, removeClient } from '../services/oauth/clients';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from './cursor';
import { presentOauthClient } from './presenters';

export const createOauthClient: OperationHandler<'createOauthClient'> = async ({ body }, services) => {
  const result = await registerClient(services, body);
  if (result.outcome === 'invalid') throw invalidClientSettings(result.problems);
  // The secret is shown in this answer only: the database keeps its hash.
  return {
    status: 201,
    body: {
      ...presentOauthClient(result.client),
      ...(result.secret !== undefined && { client_secret: result.secret }),
    },
  };
};

export const listOauthClients: OperationHandler<'listOauthClients'> = async ({ query }, { db }) => {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await selectOauthClients(db, { afterId: decodeCursor(query.cursor), limit: limit + 1 });
  return { status: 200, body: pageOf(rows, limit, presentOauthClient) };
};

export const getOauthClient: OperationHandler<'getOauthClient'> = async ({ path }, { db }) => {
  const client = await findOauthClient(db, path.client_id);
  if (!client) throw clientNotFound();
  return { status: 200, body: presentOauthClient(client) };
};

export const updateOauthClient: OperationHandler<'updateOauthClient'> = async ({ path, body }, services) => {
  const result = await changeClient(services, path.client_id, body);
  if (result.outcome === 'not_found') throw clientNotFound();
  if (result.outcome === 'invalid') throw invalidClientSettings(result.problems);
  return { status: 200, body: presentOauthClient(result.client) };
};

export const deleteOauthClient: OperationHandler<'deleteOauthClient'> = async ({ path }, services) => {
  if (!(await removeClient(services, path.client_id))) throw clientNotFound();
  return { status: 204, body: undefined };
};

/** The new secret is shown in this answer only; the body is optional (no grace period). */
export const rotateOauthClientSecret: OperationHandler<'rotateOauthClientSecret'> = async (input, services) => {
  const result = await rotateClientSecret(services, input.path.client_id, input.body?.grace_seconds, adminActor(input));
  switch (result.outcome) {
    case 'rotated':
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-store' },
        body: {
          client_id: result.clientId,
          client_secret: result.secret,
          previous_secret_expires_at: result.previousExpiresAt,
        },
      };
    case 'not_found':
      throw clientNotFound();
    case 'public_client':
      throw publicClient();
    default:
      return unhandledOutcome(result);
  }
};
