import { randomUUID } from 'node:crypto';
import { audit } from '../../audit';
import type { OAuthClientRow, OAuthCodeRow } from '../../db/oauth-schema';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import {
  claimAuthorizationCode,
  deleteCodesExpiredBefore,
  findAuthorizationCode,
} from '../../repositories/oauth-grants.repository';
import { findUserById, lockUserAtTokenVersion } from '../../repositories/users.repository';
import type { IdTokenLogin } from '../../security/id-tokens';
import { hashSecret, pkceMatches } from '../../security/oauth-secrets';
import { newRefreshToken } from '../../security/refresh-token-secrets';
import { narrowScopes, parseScope } from '../../security/scopes';
import { endFamily, forgetExpiredSuccessors, insertFamily, type LoginContext } from '../refresh-tokens';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger'>;

export type CodeExchange =
  | { outcome: 'issued'; user: UserRow; scopes: string[]; refreshToken: string; sessionId: string; login: IdTokenLogin }
  | { outcome: 'invalid' }
  | { outcome: 'reused' };

export interface PresentedCode {
  readonly code: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string;
}

/** How long a used code is kept after it expired, so a late replay still finds (and ends) what it issued. */
const USED_CODE_RETENTION_MS = 10 * 60 * 1000;
const INVALID = { outcome: 'invalid' } as const;

/**
 * RFC 6749 §4.1.3 + RFC 7636 §4.6. The code is claimed and the session started in one transaction,
 * the claim naming the session: a second use (RFC 6749 §4.1.2: "MUST deny… SHOULD revoke") finds it
 * and ends it, whichever engine and however the two requests interleave.
 */
export async function exchangeCode(
  deps: Deps,
  client: OAuthClientRow,
  presented: PresentedCode,
  context: LoginContext,
): Promise<CodeExchange> {
  await forgetExpiredSuccessors(deps);
  const now = deps.clock.now();
  await deleteCodesExpiredBefore(deps.db, new Date(now.getTime() - USED_CODE_RETENTION_MS).toISOString());
  const row = await findAuthorizationCode(deps.db, hashSecret(presented.code));
  if (!row || row.client_id !== client.client_id) return INVALID;
  if (row.used_at !== null) return endReplayed(deps, row);
  if (Date.parse(row.expires_at) <= now.getTime()) return INVALID;
  if (presented.redirectUri !== row.redirect_uri || !pkceMatches(presented.codeVerifier, row.code_challenge))
    return INVALID;
  const user = await findUserById(deps.db, row.user_id);
  if (!user || user.is_active !== 1) return INVALID;
  const narrowed = narrowScopes(user.role, row.scope, undefined);
  const scopes = 'granted' in narrowed ? narrowed.granted : [];
  const token = newRefreshToken();
  const sessionId = randomUUID();
  const started = await deps.db.transaction().execute(async (trx) => {
    if (!(await claimAuthorizationCode(trx, row.id, now.toISOString(), sessionId))) return 'replayed' as const;
    if (!(await lockUserAtTokenVersion(trx, user.id, user.token_version))) return 'superseded' as const;
    const login = { ...context, amr: row.amr };
    await insertFamily(trx, deps, { user, scopes, login, sessionId, token, clientId: client.client_id });
    return 'started' as const;
  });
  if (started === 'replayed') return endReplayed(deps, (await findAuthorizationCode(deps.db, row.code_hash)) ?? row);
  if (started === 'superseded') return INVALID;
  const login: IdTokenLogin = {
    clientId: client.client_id,
    nonce: row.nonce,
    authTime: row.auth_time,
    amr: parseScope(row.amr),
    sid: row.login_session_id,
    scopes,
  };
  return { outcome: 'issued', user, scopes, refreshToken: token, sessionId, login };
}

async function endReplayed(deps: Deps, row: OAuthCodeRow): Promise<CodeExchange> {
  const sessionId = row.issued_session_id;
  if (sessionId !== null)
    await deps.db
      .transaction()
      .execute((trx) => endFamily(trx, row.user_id, sessionId, deps.clock.now().toISOString()));
  audit(deps.logger, 'oauth_code_reuse_detected', { user_id: row.user_id, client_id: row.client_id });
  return { outcome: 'reused' };
}
