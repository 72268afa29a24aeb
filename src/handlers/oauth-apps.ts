import { notFound } from '../http/errors';
import { authenticated, type OperationHandler, type OperationInput } from '../http/openapi/operation-types';
import { userClaims } from '../security/id-tokens';
import { listConsents, withdrawConsent } from '../services/oauth/consents';

export const listAuthorizedApps: OperationHandler<'listAuthorizedApps'> = async (input, services) => {
  return { status: 200, body: { items: await listConsents(services, authenticated(input).user.id) } };
};

export const revokeAuthorizedApp: OperationHandler<'revokeAuthorizedApp'> = async (input, services) => {
  if (!(await withdrawConsent(services, authenticated(input).user.id, input.path.client_id)))
    throw notFound('No consent for this client.');
  return { status: 204, body: undefined };
};

/** OpenID Connect Core §5.3: what the token's scopes allow (the bearer check already required openid). */
function userInfo(input: OperationInput<'getUserInfo'> | OperationInput<'postUserInfo'>) {
  const { user, scopes } = authenticated(input);
  return { status: 200 as const, body: { sub: String(user.id), ...userClaims(user, scopes) } };
}

export const getUserInfo: OperationHandler<'getUserInfo'> = async (input) => userInfo(input);
export const postUserInfo: OperationHandler<'postUserInfo'> = async (input) => userInfo(input);
