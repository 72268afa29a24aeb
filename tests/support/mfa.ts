import { MFA_OTP_GRANT, MFA_RECOVERY_CODE_GRANT } from '../../src/client/sign-in';
import { totpCode } from '../../src/security/mfa/totp';
import type { MovableClock } from './clock';
import { bearer, login, tokenRequest, type OAuthErrorBody, type TestUser } from './flows';
import type { TestApp } from './test-app';

// The client SDK's constants, which the spec's request schemas type.
export const MFA_OTP = MFA_OTP_GRANT;
export const MFA_RECOVERY_CODE = MFA_RECOVERY_CODE_GRANT;

export interface Enrolled {
  readonly secret: string;
  readonly recoveryCodes: string[];
}

/** The code an authenticator shows now (the app runs on the same movable clock). */
export const codeNow = (secret: string, clock: MovableClock): string => totpCode(secret, clock.now());

/**
 * Enrols and confirms a TOTP authenticator over HTTP, then moves the clock to the next time step:
 * the confirming code's step is spent (no replay), so the next login needs the next code.
 */
export async function enrol(app: TestApp, user: Pick<TestUser, 'auth' | 'password'>, clock: MovableClock): Promise<Enrolled> {
  const current_password = user.password;
  const started = await app.client.POST('/users/me/mfa/totp', { headers: user.auth, body: { current_password } });
  if (!started.data) throw new Error(`enrolment failed: ${started.response.status}`);
  const confirmed = await app.client.POST('/users/me/mfa/totp/confirm', { headers: user.auth, body: { code: codeNow(started.data.secret, clock), current_password } });
  if (!confirmed.data) throw new Error(`confirmation failed: ${confirmed.response.status}`);
  clock.advance(30);
  return { secret: started.data.secret, recoveryCodes: confirmed.data.recovery_codes };
}

/** The password step of a login with a second factor: expects 403 mfa_required and returns its mfa_token. */
export async function passwordStep(app: TestApp, user: Pick<TestUser, 'username' | 'password'>, scope?: string): Promise<string> {
  const response = await login(app, user.username, user.password, scope);
  const body = (await response.json()) as OAuthErrorBody;
  if (response.status !== 403 || body.error !== 'mfa_required' || !body.mfa_token) throw new Error(`expected mfa_required, got ${response.status} ${JSON.stringify(body)}`);
  return body.mfa_token;
}

export async function otpGrant(app: TestApp, mfaToken: string, otp: string): Promise<Response> {
  return app.raw('/token', tokenRequest({ grant_type: MFA_OTP, mfa_token: mfaToken, otp }));
}

export async function recoveryGrant(app: TestApp, mfaToken: string, recoveryCode: string): Promise<Response> {
  return app.raw('/token', tokenRequest({ grant_type: MFA_RECOVERY_CODE, mfa_token: mfaToken, recovery_code: recoveryCode }));
}

/** The claims of one of our access tokens (already verified by the server that issued it). */
export function claimsOf(accessToken: string): { sid?: string; amr?: string[]; sub: string } {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid?: string; amr?: string[]; sub: string };
}

export async function meStatus(app: TestApp, accessToken: string): Promise<number> {
  return (await app.client.GET('/users/me', { headers: bearer(accessToken) })).response.status;
}
