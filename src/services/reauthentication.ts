import type { UserRow } from '../db/schema';
import type { Dependencies } from '../dependencies';
import { admitLogin, type LoginLimitName } from './attempt-limits';

type Deps = Pick<Dependencies, 'db' | 'clock' | 'config' | 'passwords'>;

/** Whether the request proved, beyond its access token, that the account's owner is asking. */
export type Reauthentication =
  | { readonly outcome: 'confirmed' }
  /** No current_password sent: nothing was checked or counted. */
  | { readonly outcome: 'missing' }
  | { readonly outcome: 'wrong_password' }
  | { readonly outcome: 'throttled'; readonly limit: LoginLimitName; readonly retryAfter: number };

/**
 * A sensitive change (password, email, second factor; passkeys later) needs the current password:
 * an access token can be stolen and seconds old, so neither it nor the login's age proves the owner
 * is asking. Guessing the password here is guessing it at /token: the same counters (per username
 * and IP, per IP), checked before bcrypt runs, so while throttled the right password is refused too.
 */
export async function requireReauthentication(deps: Deps, user: UserRow, currentPassword: string | undefined, clientIp: string): Promise<Reauthentication> {
  if (currentPassword === undefined) return { outcome: 'missing' };
  const admission = await admitLogin(deps, user.username, clientIp);
  if (admission.outcome === 'throttled') return admission;
  if (!(await deps.passwords.verify(currentPassword, user.password_hash)).matches) return { outcome: 'wrong_password' };
  await admission.succeeded();
  return { outcome: 'confirmed' };
}
