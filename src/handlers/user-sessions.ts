import { notFound } from '../http/errors';
import { clearRefreshCookie } from '../security/refresh-cookie';
import { authenticated, type OperationHandler } from '../http/operation-types';
import { endSession as endOneSession, listLiveSessions } from '../services/sessions';

export const listSessions: OperationHandler<'listSessions'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  return { status: 200, body: { items: await listLiveSessions(services, user.id, sessionId) } };
};

/** Ending one's own current session is a logout: in cookie mode the browser's refresh cookie goes too. */
export const endSession: OperationHandler<'endSession'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  const ending = await endOneSession(services, user.id, input.path.sessionId);
  if (ending.outcome === 'not_found') throw notFound('No session with this id.');
  return { status: 204, body: undefined, headers: input.path.sessionId === sessionId ? clearRefreshCookie(services.config) : {} };
};
