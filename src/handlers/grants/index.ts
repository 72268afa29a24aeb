import { authorizationCodeGrant } from './authorization-code';
import { clientCredentialsGrant } from './client-credentials';
import type { Grant, GrantType, ImpliedGrantType } from './grant';
import { mfaOtpGrant } from './mfa-otp';
import { mfaRecoveryCodeGrant } from './mfa-recovery-code';
import { passkeyGrant } from './passkey';
import { passwordGrant } from './password';
import { refreshTokenGrant } from './refresh-token';

/**
 * Every grant of `POST /token`, by its `grant_type`. Typed so it must match the spec: a `oneOf`
 * branch without a grant here, or a grant the spec does not name, does not compile; and
 * tests/handlers/grants.test.ts checks the order against the spec's. Adding a grant = one spec branch,
 * one module in this folder, one line here (docs/architecture.md, "A new sign-in method").
 */
export const GRANTS: { readonly [G in GrantType]: Grant<G> } = {
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
  'urn:tollgate:params:oauth:grant-type:mfa-otp': mfaOtpGrant,
  'urn:tollgate:params:oauth:grant-type:mfa-recovery-code': mfaRecoveryCodeGrant,
  authorization_code: authorizationCodeGrant,
  'urn:tollgate:params:oauth:grant-type:passkey': passkeyGrant,
  client_credentials: clientCredentialsGrant,
};

/** The grant types in the spec's order, for the metadata document's `grant_types_supported`. */
export const GRANT_TYPES = Object.keys(GRANTS) as readonly GrantType[];

/** What a form without `grant_type` means (the spec leaves `grant_type` optional in that grant's branch only). */
export const IMPLIED_GRANT: ImpliedGrantType = 'password';
