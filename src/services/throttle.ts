import { createHash } from 'node:crypto';
import {
  countLiveThrottleEvents,
  deleteExpiredThrottleEvents,
  deleteThrottleEvents,
  deleteThrottleEventsOfKey,
  findLiveThrottleExpiry,
  insertThrottleEvent,
} from '../repositories/throttle-events.repository';
import type { Dependencies } from '../dependencies';

type Deps = Pick<Dependencies, 'db' | 'clock'>;

/** At most `max` events about `subject` within any `windowSeconds` (a sliding window). */
export interface Limit {
  /** What is counted, e.g. ['login', username, ip]; only its hash is stored. */
  readonly subject: readonly string[];
  readonly max: number;
  readonly windowSeconds: number;
}

export type Admission<L extends Limit> =
  { admitted: true; eventIds: readonly number[] } | { admitted: false; exceeded: L; retryAfter: number };

/**
 * Counts an attempt against every limit and says whether it may go ahead. The attempt is recorded
 * BEFORE it is judged and counted after: of N concurrent attempts, the k-th to be recorded sees at
 * least k events, so no more than `max` are ever admitted, on any number of instances. Each
 * statement commits on its own on purpose: inside one transaction, concurrent attempts could not
 * see each other's rows. A refused attempt removes its own events, so hammering during a lockout
 * does not prolong it; so many concurrent attempts that some are refused needlessly is the safe
 * side to err on.
 */
export async function admit<L extends Limit>(deps: Deps, limits: readonly L[]): Promise<Admission<L>> {
  const now = deps.clock.now();
  await deleteExpiredThrottleEvents(deps.db, now.toISOString());
  const eventIds: number[] = [];
  for (const limit of limits) {
    eventIds.push(
      await insertThrottleEvent(
        deps.db,
        throttleKey(limit),
        new Date(now.getTime() + limit.windowSeconds * 1000).toISOString(),
      ),
    );
  }
  const exceeded: L[] = [];
  for (const limit of limits) {
    if ((await countLiveThrottleEvents(deps.db, throttleKey(limit), now.toISOString())) > limit.max)
      exceeded.push(limit);
  }
  const [first] = exceeded;
  if (!first) return { admitted: true, eventIds };

  await deleteThrottleEvents(deps.db, eventIds);
  let worst = { limit: first, retryAfter: 0 };
  for (const limit of exceeded) {
    const retryAfter = await secondsUntilBelow(deps, limit, now);
    if (retryAfter > worst.retryAfter) worst = { limit, retryAfter };
  }
  return { admitted: false, exceeded: worst.limit, retryAfter: worst.retryAfter };
}

/** The attempt turned out not to count (a successful login): its events go. */
export async function forget(deps: Deps, eventIds: readonly number[]): Promise<void> {
  await deleteThrottleEvents(deps.db, eventIds);
}

/** Starts the limit's count afresh. */
export async function reset(deps: Deps, limit: Limit): Promise<void> {
  await deleteThrottleEventsOfKey(deps.db, throttleKey(limit));
}

/** Hashed so that the table holds no usernames or addresses; JSON keeps ['a b', 'c'] apart from ['a', 'b c']. */
export function throttleKey(limit: Pick<Limit, 'subject'>): string {
  return createHash('sha256').update(JSON.stringify(limit.subject)).digest('base64url');
}

/** Whole seconds until enough events leave the window for one more attempt; at least 1. */
async function secondsUntilBelow(deps: Deps, limit: Limit, now: Date): Promise<number> {
  const key = throttleKey(limit);
  const live = await countLiveThrottleEvents(deps.db, key, now.toISOString());
  const expiry = await findLiveThrottleExpiry(deps.db, key, now.toISOString(), Math.max(0, live - limit.max));
  const seconds = expiry === undefined ? 1 : Math.ceil((Date.parse(expiry) - now.getTime()) / 1000);
  return Math.max(1, seconds);
}
