import type { components } from '../../../generated/api';
import type { Dependencies } from '../../dependencies';
import type { OperationInput, OperationResult } from '../../http/openapi/operation-types';

/** The form of `POST /token`: the spec's `oneOf` of one request schema per grant. */
export type TokenRequest = components['schemas']['TokenRequest'];

/** Every `grant_type` the spec names, derived from its `oneOf` branches (a new branch is a new key). */
export type GrantType = NonNullable<TokenRequest['grant_type']>;

/** The spec's request schema of one grant: the `oneOf` branch whose `grant_type` is `G`. */
export type GrantRequest<G extends GrantType> = TokenRequest extends infer R ? (R extends { grant_type?: infer T } ? (G extends NonNullable<T> ? R : never) : never) : never;

/** The grant a form without `grant_type` means: the one whose branch leaves `grant_type` optional (the password grant). */
export type ImpliedGrantType = { [G in GrantType]: undefined extends GrantRequest<G>['grant_type'] ? G : never }[GrantType];

export type TokenInput = OperationInput<'issueToken'>;
export type TokenResult = OperationResult<'issueToken'>;

/**
 * One grant of the token endpoint. `metric` names the counter its answers are reported to:
 * `login_attempts` (tollgate_login_attempts_total, by outcome) for the first step of a login,
 * `none` for a grant that is not a login of its own (a refresh, the second step of a login).
 */
export interface Grant<G extends GrantType> {
  readonly metric: 'login_attempts' | 'none';
  handle(body: GrantRequest<G>, input: TokenInput, services: Dependencies): Promise<TokenResult>;
}
