import type { Clock } from '../../src/clock';

export interface MovableClock extends Clock {
  advance(seconds: number): void;
}

/** Starts at the real time (so tokens' iat is sane) and moves only when told to. */
export function movableClock(start: Date = new Date()): MovableClock {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (seconds) => void (current += seconds * 1000) };
}
