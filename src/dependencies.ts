import type { Kysely } from 'kysely';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/schema';
import type { Logger } from './logger';
import type { OutboxWorker } from './mail/outbox-worker';
import type { Metrics } from './metrics/metrics';
import type { AccessTokens } from './security/access-tokens';
import type { KeyRing } from './security/keys/key-ring';
import type { MfaKeys } from './security/mfa/keys';
import type { PasswordHasher } from './security/passwords';

/** The dependency bag handlers and services receive: passed in, never imported as singletons. */
export interface Dependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly passwords: PasswordHasher;
  readonly tokens: AccessTokens;
  readonly keys: KeyRing;
  readonly metrics: Metrics;
  readonly mfaKeys: MfaKeys;
  /** Delivers the mail outbox; woken when a mail is queued. */
  readonly outbox: OutboxWorker;
}
