import { audit } from '../audit';
import type { components } from '../../generated/api';
import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../db/schema';
import { revokeRefreshTokensOfUserExcept } from '../repositories/refresh-tokens.repository';
import { findSessionAmr, insertSessionIfMissing, markOtherSessionsEnded, selectLiveSessions, touchSession } from '../repositories/sessions.repository';
import type { TokenSession } from '../security/access-tokens';
import type { Dependencies } from '../dependencies';
import { endAllSessionsOf, endFamily, type LoginContext } from './refresh-tokens';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'logger'>;
type Session = components['schemas']['Session'];

const USER_AGENT_MAX = 256;

/** What a new session keeps of the request that logged in: the agent cut short, the IP as the limits count it. */
export function loginContext(request: { userAgent: string | undefined; clientIp: string }, amr: readonly string[]): LoginContext {
  return { user_agent: request.userAgent === undefined ? null : [...request.userAgent].slice(0, USER_AGENT_MAX).join(''), ip: request.clientIp, amr: amr.join(' ') };
}

/**
 * A refresh keeps the login's amr; the session was just used. A family started by an instance older
 * than sessions (a rolling deploy) has no row: it gets one now, as the migration gave the families it
 * found (`pwd`, no agent or address), or its access tokens would fail the session check and the user
 * could neither see nor end it.
 */
export async function refreshedSession(deps: Deps, userId: number, sessionId: string): Promise<TokenSession> {
  const amr = (await findSessionAmr(deps.db, sessionId)) ?? 'pwd';
  const now = deps.clock.now().toISOString();
  if (!(await touchSession(deps.db, sessionId, now))) {
    await insertSessionIfMissing(deps.db, { id: sessionId, user_id: userId, created_at: now, last_used_at: now, user_agent: null, ip: '', amr });
  }
  return { sid: sessionId, amr: amr.split(' ') };
}

export async function listLiveSessions(deps: Deps, userId: number, currentSessionId: string | undefined): Promise<Session[]> {
  const rows = await selectLiveSessions(deps.db, userId, deps.clock.now().toISOString());
  return rows.map((row) => present(row, row.id === currentSessionId));
}

/** Ends one live session of the user: its refresh family is revoked and its access tokens fail at once. */
export async function endSession(deps: Deps, userId: number, sessionId: string): Promise<{ outcome: 'ended' } | { outcome: 'not_found' }> {
  const now = deps.clock.now().toISOString();
  // Another user's session, and one already over, are the same 404: nothing to tell them apart.
  const live = (await selectLiveSessions(deps.db, userId, now)).some((s) => s.id === sessionId);
  const ended = live && (await deps.db.transaction().execute((trx) => endFamily(trx, userId, sessionId, now)));
  if (!ended) return { outcome: 'not_found' };
  audit(deps.logger, 'session_ended', { user_id: userId, family_id: sessionId });
  return { outcome: 'ended' };
}

/** "Log out everywhere" (DELETE /users/me/sessions): every session of the user ends, in one transaction. */
export async function logOutEverywhere(deps: Deps, userId: number): Promise<void> {
  await deps.db.transaction().execute((trx) => endAllSessionsOf(trx, userId, deps.clock.now().toISOString()));
  audit(deps.logger, 'logout_everywhere', { user_id: userId });
}

/**
 * Ends every session of the user but `keep` (the request's own; undefined for a token from before
 * sessions, which keeps none): refresh families revoked, sessions ended, so their access tokens fail.
 */
export async function endOtherSessionsOf(trx: Kysely<Database>, userId: number, keep: string | undefined, at: string): Promise<void> {
  await revokeRefreshTokensOfUserExcept(trx, userId, keep ?? '', at);
  await markOtherSessionsEnded(trx, userId, keep ?? '', at);
}

function present(row: SessionRow, current: boolean): Session {
  return { id: row.id, created_at: row.created_at, last_used_at: row.last_used_at, user_agent: row.user_agent, ip: row.ip, amr: row.amr === '' ? [] : row.amr.split(' '), current };
}
