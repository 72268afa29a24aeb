import { OAuthError } from '../errors';
import type { OperationHandler } from '../http/operation-types';
import { findUserByNormalizedUsername } from '../repositories/users.repository';
import { grantScopes } from '../security/scopes';

// One answer for wrong password, unknown user and inactive user: nothing to tell them apart.
const invalidGrant = () => new OAuthError('invalid_grant', 'Invalid username or password.');

/** RFC 6749 §4.3 resource owner password credentials grant. */
export const issueToken: OperationHandler<'issueToken'> = async ({ body }, services) => {
  if (body.grant_type !== 'password') throw new Error('not implemented yet');
  const user = await findUserByNormalizedUsername(services.db, body.username.toLowerCase());
  // Always runs bcrypt (against a dummy hash for unknown users) so timing does not reveal who exists.
  const passwordMatches = await services.passwords.verify(body.password, user?.password_hash);
  if (!user || !passwordMatches || user.is_active !== 1) throw invalidGrant();

  const grant = grantScopes(user.role, body.scope);
  if ('refused' in grant) throw new OAuthError('invalid_scope', `Scope not allowed: ${grant.refused.join(' ')}.`);

  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body: { access_token: await services.tokens.issue(user, grant.granted), token_type: 'bearer', expires_in: services.tokens.ttlSeconds, scope: grant.granted.join(' ') },
  };
};
