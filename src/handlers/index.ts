import type { HandlerMap } from '../http/openapi/operation-types';
import {
  confirmEmailVerification,
  confirmPasswordReset,
  requestEmailVerification,
  requestPasswordReset,
} from './account-recovery';
import { getAuthorizationServerMetadata, getJwks, getOpenIdConfiguration } from './discovery';
import { getUserInfo, listAuthorizedApps, postUserInfo, revokeAuthorizedApp } from './oauth-apps';
import { authorize, decideAuthorization, getAuthorization } from './oauth-authorize';
import {
  createOauthClient,
  deleteOauthClient,
  getOauthClient,
  listOauthClients,
  rotateOauthClientSecret,
  updateOauthClient,
} from './oauth-clients';
import { getUser, listUsers, updateUser } from './admin';
import { revokeToken } from './revocation';
import { introspectToken } from './introspection';
import { changePassword } from './password';
import { createTodo, deleteTodo, getTodo, listTodos, updateTodo } from './todos';
import { issueToken } from './tokens';
import { confirmTotpEnrolment, disableTotp, regenerateRecoveryCodes, resetUserMfa, startTotpEnrolment } from './mfa';
import { endAllSessions, endSession, listSessions } from './sessions';
import {
  deletePasskey,
  finishPasskeyRegistration,
  listPasskeys,
  renamePasskey,
  startPasskeyAuthentication,
  startPasskeyRegistration,
} from './passkeys';
import { createUser, getCurrentUser, updateCurrentUser } from './users';

export const handlers: HandlerMap = {
  createOauthClient,
  listOauthClients,
  getOauthClient,
  updateOauthClient,
  deleteOauthClient,
  rotateOauthClientSecret,
  authorize,
  getAuthorization,
  decideAuthorization,
  listAuthorizedApps,
  revokeAuthorizedApp,
  getUserInfo,
  postUserInfo,
  getOpenIdConfiguration,
  createUser,
  getCurrentUser,
  updateCurrentUser,
  changePassword,
  endAllSessions,
  listUsers,
  getUser,
  updateUser,
  issueToken,
  revokeToken,
  introspectToken,
  getJwks,
  getAuthorizationServerMetadata,
  listTodos,
  createTodo,
  getTodo,
  updateTodo,
  deleteTodo,
  listSessions,
  endSession,
  startTotpEnrolment,
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
  resetUserMfa,
  requestPasswordReset,
  confirmPasswordReset,
  requestEmailVerification,
  confirmEmailVerification,
  listPasskeys,
  startPasskeyRegistration,
  finishPasskeyRegistration,
  renamePasskey,
  deletePasskey,
  startPasskeyAuthentication,
};
