import type { components } from '../../generated/api';

type TokenResponse = components['schemas']['TokenResponse'];
type OAuthErrorBody = components['schemas']['OAuthError'];
type MfaOtpForm = components['schemas']['MfaOtpGrantRequest'];
type MfaRecoveryCodeForm = components['schemas']['MfaRecoveryCodeGrantRequest'];

// Typed by the spec's request schemas: a grant_type renamed in openapi.yaml fails to compile here.
export const MFA_OTP_GRANT: MfaOtpForm['grant_type'] = 'urn:tollgate:params:oauth:grant-type:mfa-otp';
export const MFA_RECOVERY_CODE_GRANT: MfaRecoveryCodeForm['grant_type'] = 'urn:tollgate:params:oauth:grant-type:mfa-recovery-code';

/**
 * How a sign-in ended. `mfa_required` is not an error: the password was right and the caller
 * completes the login with a code from the user's authenticator (or a recovery code) within 5 minutes.
 */
export type SignInResult =
  | { readonly outcome: 'signed_in'; readonly tokens: TokenResponse }
  | {
      readonly outcome: 'mfa_required';
      completeWithOtp(otp: string): Promise<SignInResult>;
      completeWithRecoveryCode(recoveryCode: string): Promise<SignInResult>;
    }
  | { readonly outcome: 'refused'; readonly status: number; readonly error: OAuthErrorBody | undefined };

/** Sends a token form; answers the response's status and JSON body (undefined when it has none). */
export type PostTokenForm = (form: Record<string, string>) => Promise<{ status: number; body: unknown }>;

/** One step of a sign-in; the held tokens are stored by `store` as soon as there are any. */
export async function signInStep(post: PostTokenForm, store: (tokens: TokenResponse) => void, form: Record<string, string>): Promise<SignInResult> {
  const { status, body } = await post(form);
  if (status === 200) {
    const tokens = body as TokenResponse;
    store(tokens);
    return { outcome: 'signed_in', tokens };
  }
  const error = isOAuthError(body) ? body : undefined;
  const mfaToken = error?.error === 'mfa_required' ? error.mfa_token : undefined;
  if (mfaToken === undefined) return { outcome: 'refused', status, error };
  return {
    outcome: 'mfa_required',
    completeWithOtp: (otp) => signInStep(post, store, { grant_type: MFA_OTP_GRANT, mfa_token: mfaToken, otp } satisfies MfaOtpForm),
    completeWithRecoveryCode: (code) => signInStep(post, store, { grant_type: MFA_RECOVERY_CODE_GRANT, mfa_token: mfaToken, recovery_code: code } satisfies MfaRecoveryCodeForm),
  };
}

function isOAuthError(body: unknown): body is OAuthErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).error === 'string';
}
