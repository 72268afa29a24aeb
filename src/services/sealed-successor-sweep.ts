import type { Dependencies } from '../dependencies';
import { forgetExpiredSuccessors } from './refresh-tokens';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'logger'>;

export interface SealedSuccessorSweep {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Token requests forget expired seals as they come, but a quiet server would keep them until the
 * next one, and a database copy taken meanwhile would hold successors an old token opens. So the
 * seals are also swept on a timer, once per grace window (at least every second, at most every
 * minute). Every instance and worker may run it: each statement clears one row, idempotently.
 */
export function startSealedSuccessorSweep(deps: Deps): SealedSuccessorSweep {
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = forgetExpiredSuccessors(deps).catch((error: unknown) => deps.logger.warn({ err: error }, 'sealed successor sweep failed; the next one retries'));
  };
  const everyMs = Math.min(60, Math.max(1, deps.config.refreshReuseGrace)) * 1000;
  const timer = setInterval(() => void running.then(sweep), everyMs);
  // A timer must never keep a process alive that is otherwise done.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
