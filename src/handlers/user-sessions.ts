import { notFound } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { endSession as endOneSession, listLiveSessions } from '../services/sessions';

export const listSessions: OperationHandler<'listSessions'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  return { status: 200, body: { items: await listLiveSessions(services, user.id, sessionId) } };
};

export const endSession: OperationHandler<'endSession'> = async (input, services) => {
  const ending = await endOneSession(services, authenticated(input).user.id, input.path.sessionId);
  if (ending.outcome === 'not_found') throw notFound('No session with this id.');
  return { status: 204, body: undefined };
};
