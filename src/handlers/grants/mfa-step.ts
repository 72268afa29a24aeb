import type { Dependencies } from '../../dependencies';
import { invalidCredentials, invalidMfaLogin, loginThrottled } from '../../http/errors';
import { refuseForeignOrigin } from '../../http/refresh-cookie';
import { completeMfaLogin, type MfaLogin, type SecondStep } from '../../services/mfa/login';
import { startRefreshFamily } from '../../services/refresh-tokens';
import { loginContext } from '../../services/sessions';
import { unhandledOutcome } from '../../http/openapi/operation-types';
import { type TokenInput, type TokenResult } from './grant';
import { tokenResponse } from './token-response';

/** The second step of a login with a second factor (docs/mfa.md), shared by the one-time-code and recovery-code grants. */
export async function secondFactorStep(mfaToken: string, step: SecondStep, input: TokenInput, services: Dependencies): Promise<TokenResult> {
  refuseForeignOrigin(services.config, input.origin);
  const login = completed(await completeMfaLogin(services, mfaToken, step, input.clientIp));
  const started = await startRefreshFamily(services, login.user, login.scopes, loginContext(input, login.amr));
  if (started === undefined) throw invalidCredentials();
  return tokenResponse(services, login.user, login.scopes, started.refreshToken, { sid: started.sessionId, amr: login.amr });
}

function completed(login: MfaLogin): Extract<MfaLogin, { outcome: 'completed' }> {
  switch (login.outcome) {
    case 'completed':
      return login;
    case 'throttled':
      throw loginThrottled(login.retryAfter);
    case 'invalid':
      throw invalidMfaLogin();
    default:
      return unhandledOutcome(login);
  }
}
