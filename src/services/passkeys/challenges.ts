import { randomBytes } from 'node:crypto';
import type { PasskeyChallengePurpose, PasskeyChallengeRow } from '../../db/passkey-schema';
import type { UserRow } from '../../db/schema';
import type { Dependencies } from '../../dependencies';
import {
  deleteExpiredPasskeyChallenges,
  insertPasskeyChallenge,
  spendPasskeyChallenge,
} from '../../repositories/passkeys.repository';

type Deps = Pick<Dependencies, 'db' | 'clock'>;

/** How long a ceremony may take; also the `timeout` the browser is given. */
export const CHALLENGE_TTL_SECONDS = 300;

/**
 * Keeps the options' challenge (random, made by @simplewebauthn/server) in the database, not in
 * memory, so another instance can finish the ceremony; answers its id (128 random bits). A
 * registration challenge names its user and the token_version of the password proven for it.
 */
export async function storeChallenge(
  deps: Deps,
  challenge: string,
  purpose: PasskeyChallengePurpose,
  user?: UserRow,
): Promise<string> {
  const challengeId = randomBytes(16).toString('base64url');
  const now = deps.clock.now();
  await deleteExpiredPasskeyChallenges(deps.db, now.toISOString());
  await insertPasskeyChallenge(deps.db, {
    challenge_id: challengeId,
    challenge,
    purpose,
    user_id: user?.id ?? null,
    token_version: user?.token_version ?? null,
    expires_at: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000).toISOString(),
    used_at: null,
  });
  return challengeId;
}

/**
 * Spends the challenge whatever comes next: a response is checked against it once. A registration
 * challenge is spent only by its own user (another user's request cannot burn it).
 */
export async function spendChallenge(
  deps: Deps,
  challengeId: string,
  purpose: PasskeyChallengePurpose,
  userId?: number,
): Promise<PasskeyChallengeRow | undefined> {
  return spendPasskeyChallenge(deps.db, { challengeId, purpose, userId }, deps.clock.now().toISOString());
}
