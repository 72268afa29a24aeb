'use strict';
// Runs inside a worker thread (piscina): bcrypt is deliberately slow and must not block the event loop.
const bcrypt = require('bcryptjs');
const { performance } = require('node:perf_hooks');

// Wall-clock milliseconds comparable across threads (each thread has its own performance.now origin).
const now = () => performance.timeOrigin + performance.now();

/** Each answer says how long the task queued for a free thread, for the hash-pool wait metric. */
exports.hash = ({ password, cost, queuedAt }) => ({ waitedMs: now() - queuedAt, result: bcrypt.hashSync(password, cost) });
exports.compare = ({ password, hash, queuedAt }) => ({ waitedMs: now() - queuedAt, result: bcrypt.compareSync(password, hash) });
