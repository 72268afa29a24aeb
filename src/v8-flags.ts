import { setFlagsFromString } from 'node:v8';

/**
 * V8 learns from a burst of slow requests (logins waiting for the hash pool) that objects made at
 * the request path's allocation sites live long, and from then on makes them in the old generation
 * ("pretenuring"). Every request after that, however short, fills the old generation with garbage:
 * the collector marks without pause, each young collection promotes ~1.5 MB, and its pauses grow
 * from ~0.6 ms to ~3.5 ms (`npm run bench:allocations` after a 50-user seed). Our request objects
 * all die young, so the heuristic only ever guesses wrong here. Node refuses this flag in
 * NODE_OPTIONS; set here, before the app is loaded, it takes effect (measured: the same seed then
 * leaves pauses at ~0.6 ms), also in cluster workers, which run this file too.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
