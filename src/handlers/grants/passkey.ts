import type { components } from '../../../generated/api';
import type { Dependencies } from '../../dependencies';
import { invalidPasskeyLogin, loginThrottled, scopeNotAllowed } from '../../http/errors';
import type { OperationInput, OperationResult } from '../../http/operation-types';
import { refuseForeignOrigin } from '../../security/refresh-cookie';
import { grantScopes } from '../../security/scopes';
import { authenticatePasskey } from '../../services/passkeys/authentication';
import { startRefreshFamily } from '../../services/refresh-sessions';
import { loginContext } from '../../services/sessions';
import { tokenResponse } from './token-response';

type PasskeyGrantRequest = components['schemas']['PasskeyGrantRequest'];

/**
 * `urn:tollgate:params:oauth:grant-type:passkey` (docs/passkeys.md): a WebAuthn assertion over a
 * challenge from POST /passkeys/authentication/options. A passkey with user verification is two
 * factors, so a user with TOTP enrolled is not asked for a code on top.
 */
export async function passkeyGrant(body: PasskeyGrantRequest, input: OperationInput<'issueToken'>, services: Dependencies): Promise<OperationResult<'issueToken'>> {
  // In cookie mode this refuses a foreign Origin before anything is checked (login CSRF).
  refuseForeignOrigin(services.config, input.origin);
  const login = await authenticatePasskey(services, body.challenge_id, body.credential, input.clientIp);
  if (login.outcome === 'throttled') throw loginThrottled(login.retryAfter);
  if (login.outcome === 'invalid') throw invalidPasskeyLogin();
  const { user, amr } = login;
  const grant = grantScopes(user.role, body.scope);
  if ('refused' in grant) throw scopeNotAllowed(grant.refused);
  const started = await startRefreshFamily(services, user, grant.granted, loginContext(input, amr));
  // A deactivation or logout everywhere committed meanwhile.
  if (started === undefined) throw invalidPasskeyLogin();
  return tokenResponse(services, user, grant.granted, started.refreshToken, { sid: started.sessionId, amr });
}
