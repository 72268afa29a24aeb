// One implementation, shared with the load scripts that spawn the built server.
export { freePort } from '../../scripts/support/server-process';
