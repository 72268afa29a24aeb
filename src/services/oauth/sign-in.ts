import type { Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Database, SessionRow, UserRow } from '../../db/schema';
import { findLiveSsoSession } from '../../repositories/oauth-sessions.repository';
import { hashSecret } from '../../security/oauth-secrets';

/** Who acts on an authorization request: the hosted pages' sign-in (a bearer of it, or its cookie). */
export interface Actor {
  readonly user: UserRow;
  readonly sessionId: string | undefined;
  /** Set for a token issued to an OAuth client, which never approves anything. */
  readonly clientId?: string;
  /** Established by the sign-in cookie rather than a bearer token. */
  readonly viaCookie?: boolean;
}

/** The live session a sign-in cookie's secret names, with its user; undefined without one. */
export async function signedInSession(
  deps: { db: Kysely<Database>; clock: Clock },
  secret: string | undefined,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  if (secret === undefined) return undefined;
  return findLiveSsoSession(deps.db, hashSecret(secret), deps.clock.now().toISOString());
}
