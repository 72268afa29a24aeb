'use strict';
// Runs inside a worker thread (piscina): bcrypt is deliberately slow and must not block the event loop.
const { getPriority, setPriority } = require('node:os');
const bcrypt = require('bcryptjs');
const { performance } = require('node:perf_hooks');

// A login flood keeps every hashing thread busy. At a lower priority than the event loop they
// still get all the CPU it leaves, but no longer share a core with it evenly, which made every
// other request wait its turn behind bcrypt. On Linux a nice value set for pid 0 applies to the
// calling thread alone: this worker, not the process. Where that is refused, hashing runs as before.
// Relative to the thread that started us (its nice value is inherited), capped at Linux's lowest.
const LOWER_BY = 10;
try {
  setPriority(Math.min(19, getPriority() + LOWER_BY));
} catch {
  // not permitted here: equal priority, as before
}

// Wall-clock milliseconds comparable across threads (each thread has its own performance.now origin).
const now = () => performance.timeOrigin + performance.now();

/** Each answer says how long the task queued for a free thread, for the hash-pool wait metric. */
exports.hash = ({ password, cost, queuedAt }) => ({ waitedMs: now() - queuedAt, result: bcrypt.hashSync(password, cost) });

/** Index of the first candidate that matches, or -1. Every candidate costs a comparison until one matches. */
exports.compare = ({ candidates, hash, queuedAt }) => ({
  waitedMs: now() - queuedAt,
  result: candidates.findIndex((candidate) => bcrypt.compareSync(candidate, hash)),
});
