import { sessionNotFound } from '../http/errors';
import { clearRefreshCookie } from '../http/refresh-cookie';
import { authenticated, unhandledOutcome, type OperationHandler } from '../http/openapi/operation-types';
import { endSession as endOneSession, listLiveSessions, logOutEverywhere } from '../services/sessions';

export const listSessions: OperationHandler<'listSessions'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  return { status: 200, body: { items: await listLiveSessions(services, user.id, sessionId) } };
};

/** Ending one's own current session is a logout: in cookie mode the browser's refresh cookie goes too. */
export const endSession: OperationHandler<'endSession'> = async (input, services) => {
  const { user, sessionId } = authenticated(input);
  const ending = await endOneSession(services, user.id, input.path.sessionId);
  switch (ending.outcome) {
    case 'ended':
      return { status: 204, body: undefined, headers: input.path.sessionId === sessionId ? clearRefreshCookie(services.config) : {} };
    case 'not_found':
      throw sessionNotFound();
    default:
      return unhandledOutcome(ending);
  }
};

export const endAllSessions: OperationHandler<'endAllSessions'> = async (input, services) => {
  await logOutEverywhere(services, authenticated(input).user.id);
  return { status: 204, body: undefined, headers: clearRefreshCookie(services.config) };
};
