import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../audit';
import type { Database, RefreshTokenRow, UserRow } from '../db/schema';
import {
  clearSealedSuccessor,
  findSealedRotatedBefore,
  findRefreshTokenByHash,
  insertRefreshToken,
  markRefreshTokenRotated,
  revokeRefreshTokenFamily,
} from '../repositories/refresh-tokens.repository';
import { insertSession, markSessionEnded, type NewSession } from '../repositories/sessions.repository';
import { findUserById, lockUserAtTokenVersion } from '../repositories/users.repository';
import { hashRefreshToken, newRefreshToken, openSuccessor, sealSuccessor } from '../security/refresh-token-secrets';
import { narrowScopes, type Scope } from '../security/scopes';
import type { Dependencies } from '../dependencies';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger'>;
type Db = Kysely<Database>;

export type RefreshOutcome =
  | { outcome: 'issued'; refreshToken: string; user: UserRow; scopes: Scope[]; sessionId: string }
  | { outcome: 'invalid' }
  | { outcome: 'invalid_scope'; refused: string[] }
  | { outcome: 'reused' };

const INVALID = { outcome: 'invalid' } as const;
const SEAL_SWEEP_BATCH = 50;

/**
 * A new family: one login on one device. Returns the token (only its hash is stored), or undefined
 * when the user's token_version or active flag changed since `user` was read, i.e. since the password
 * was checked: a password change, deactivation or logout everywhere that answered first must not
 * lose the race to a login that was still hashing.
 */
export async function startRefreshFamily(
  deps: Deps,
  user: UserRow,
  scopes: readonly string[],
  login: LoginContext,
): Promise<{ refreshToken: string; sessionId: string } | undefined> {
  await forgetExpiredSuccessors(deps);
  const token = newRefreshToken();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await lockUserAtTokenVersion(trx, user.id, user.token_version))) return undefined;
    const sessionId = randomUUID();
    await insertFamily(trx, deps, { user, scopes, login, sessionId, token, clientId: null });
    return { refreshToken: token, sessionId };
  });
}

/** A new family and its session row, in the caller's transaction (the authorization code grant claims its code in the same one). */
export async function insertFamily(
  trx: Db,
  deps: Deps,
  family: {
    user: UserRow;
    scopes: readonly string[];
    login: LoginContext;
    sessionId: string;
    token: string;
    clientId: string | null;
  },
): Promise<void> {
  const row = newRow(deps, family.token, family.user.id, family.scopes.join(' '));
  await insertRefreshToken(trx, {
    ...row,
    family_id: family.sessionId,
    token_version: family.user.token_version,
    client_id: family.clientId,
  });
  // The family is the session the user sees and can end (GET/DELETE /users/me/sessions).
  await insertSession(trx, {
    ...family.login,
    id: family.sessionId,
    user_id: family.user.id,
    created_at: row.created_at,
    last_used_at: row.created_at,
    client_id: family.clientId,
  });
}

/** What a session remembers of the login that started it. */
export type LoginContext = Pick<NewSession, 'user_agent' | 'ip' | 'amr'>;

/**
 * RFC 9700 §4.14 rotation with reuse detection, in one transaction so a rotation is never half
 * done. Outcomes are values: a detected reuse must commit its revocation, not roll it back.
 */
export async function refreshSession(
  deps: Deps,
  presented: string,
  requestedScope: string | undefined,
  clientId?: string,
): Promise<RefreshOutcome> {
  await forgetExpiredSuccessors(deps);
  return deps.db.transaction().execute(async (trx) => {
    const row = await findRefreshTokenByHash(trx, hashRefreshToken(presented));
    if (!row || row.revoked_at !== null) return INVALID;
    // A token issued to a registered client refreshes only for that client (RFC 6749 §6); nothing is touched otherwise.
    if (row.client_id !== null && row.client_id !== clientId) return INVALID;
    if (row.rotated_at !== null) return replayRotated(deps, trx, row, presented, requestedScope);
    if (isExpired(deps, row)) return INVALID;
    const grant = await grantFor(trx, row, requestedScope);
    if (grant.outcome !== 'granted') return grant;

    const successor = newRefreshToken();
    const claimed = await markRefreshTokenRotated(
      trx,
      row.id,
      deps.clock.now().toISOString(),
      sealSuccessor(presented, successor),
    );
    if (!claimed) {
      // Another request rotated or revoked it between our read and our write (possible on PostgreSQL): a replay, or dead.
      const current = await findRefreshTokenByHash(trx, row.token_hash);
      return current && current.revoked_at === null
        ? replayRotated(deps, trx, current, presented, requestedScope)
        : INVALID;
    }
    await insertRefreshToken(trx, {
      ...newRow(deps, successor, row.user_id, row.scope),
      family_id: row.family_id,
      token_version: row.token_version,
      client_id: row.client_id,
    });
    return {
      outcome: 'issued',
      refreshToken: successor,
      user: grant.user,
      scopes: grant.scopes,
      sessionId: row.family_id,
    };
  });
}

/**
 * A rotated token again. Within the grace window, while its successor is still the family's live
 * token, it is a second tab racing the first and gets that same successor. Otherwise someone holds
 * a copy they should not: the whole family dies, including the successor the legitimate client has.
 */
async function replayRotated(
  deps: Deps,
  trx: Db,
  row: RefreshTokenRow,
  presented: string,
  requestedScope: string | undefined,
): Promise<RefreshOutcome> {
  const successor =
    withinGrace(deps, row) && row.successor_sealed ? openSuccessor(presented, row.successor_sealed) : undefined;
  const successorRow =
    successor === undefined ? undefined : await findRefreshTokenByHash(trx, hashRefreshToken(successor));
  if (
    successor !== undefined &&
    successorRow &&
    successorRow.rotated_at === null &&
    successorRow.revoked_at === null &&
    !isExpired(deps, successorRow)
  ) {
    const grant = await grantFor(trx, successorRow, requestedScope);
    return grant.outcome === 'granted'
      ? {
          outcome: 'issued',
          refreshToken: successor,
          user: grant.user,
          scopes: grant.scopes,
          sessionId: successorRow.family_id,
        }
      : grant;
  }
  await endFamily(trx, row.user_id, row.family_id, deps.clock.now().toISOString());
  audit(deps.logger, 'refresh_token_reuse_detected', { user_id: row.user_id, family_id: row.family_id });
  return { outcome: 'reused' };
}

/** A refresh token that would refresh now, as introspection describes it (RFC 7662). */
export interface LiveRefreshToken {
  readonly row: RefreshTokenRow;
  readonly user: UserRow;
  readonly scopes: readonly Scope[];
}

/**
 * Whether the presented token would refresh right now (not rotated, revoked or expired; its user
 * active at the same token version), read only: nothing is rotated, spent or revoked, not even a
 * replayed token's family (a reuse is detected where a token is used, at the token endpoint).
 */
export async function liveRefreshToken(deps: Deps, presented: string): Promise<LiveRefreshToken | undefined> {
  const row = await findRefreshTokenByHash(deps.db, hashRefreshToken(presented));
  if (!row || row.revoked_at !== null || row.rotated_at !== null || isExpired(deps, row)) return undefined;
  const grant = await grantFor(deps.db, row, undefined);
  return grant.outcome === 'granted' ? { row, user: grant.user, scopes: grant.scopes } : undefined;
}

type Grant =
  | { outcome: 'granted'; user: UserRow; scopes: Scope[] }
  | { outcome: 'invalid' }
  | { outcome: 'invalid_scope'; refused: string[] };

async function grantFor(trx: Db, row: RefreshTokenRow, requestedScope: string | undefined): Promise<Grant> {
  const user = await findUserById(trx, row.user_id);
  // A family started before the user's last password change, deactivation, logout everywhere or role change is over.
  if (!user || user.is_active !== 1 || user.token_version !== row.token_version) return INVALID;
  const scopes = narrowScopes(user.role, row.scope, requestedScope);
  return 'refused' in scopes
    ? { outcome: 'invalid_scope', refused: scopes.refused }
    : { outcome: 'granted', user, scopes: scopes.granted };
}

/**
 * A family is a session: its refresh tokens are revoked and its session row ended together, so the
 * access tokens carrying its `sid` fail at once too (the bearer check reads the session's state).
 * Whether the session row was live before.
 */
export async function endFamily(trx: Db, userId: number, familyId: string, at: string): Promise<boolean> {
  await revokeRefreshTokenFamily(trx, familyId, at);
  return markSessionEnded(trx, userId, familyId, at);
}

function newRow(deps: Deps, token: string, userId: number, scope: string) {
  const now = deps.clock.now();
  return {
    token_hash: hashRefreshToken(token),
    user_id: userId,
    scope,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + deps.config.refreshTokenTtl * 1000).toISOString(),
  };
}

/** Each token request first forgets the sealed successors whose grace window is over, so a later copy of the database holds none. */
export async function forgetExpiredSuccessors(deps: Deps): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.refreshReuseGrace * 1000).toISOString();
  // Bounded per request: a backlog (after downtime) drains over the next requests instead of stalling one.
  for (const id of await findSealedRotatedBefore(deps.db, cutoff, SEAL_SWEEP_BATCH))
    await clearSealedSuccessor(deps.db, id, cutoff);
}

function isExpired(deps: Deps, row: RefreshTokenRow): boolean {
  return Date.parse(row.expires_at) <= deps.clock.now().getTime();
}

function withinGrace(deps: Deps, row: RefreshTokenRow): boolean {
  return (
    row.rotated_at !== null &&
    deps.clock.now().getTime() - Date.parse(row.rotated_at) < deps.config.refreshReuseGrace * 1000
  );
}
