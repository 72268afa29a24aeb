// Every named error the API answers with is built in this folder, one file per area, so a reader finds
// each status, code and wording in one place; services never make them (they return outcomes, see
// src/services/). Problem details and RFC 6749 errors are serialised once, in problem.ts.
export * from './problem';
export * from './request';
export * from './authentication';
export * from './account';
export * from './mfa';
export * from './oauth';
export * from './passkeys';
