import type { ApiError } from '../http/errors';
import { notFound, passkeyLimitReached, passkeyRefused } from '../http/errors';
import { authenticated, type OperationHandler } from '../http/openapi/operation-types';
import { startPasskeyAuthentication as startAuthentication } from '../services/passkeys/authentication';
import { listPasskeys as listOfUser, removePasskey, renamePasskey as rename } from '../services/passkeys/management';
import {
  finishPasskeyRegistration as finish,
  MAX_PASSKEYS_PER_USER,
  startPasskeyRegistration as start,
  type RegistrationFinish,
} from '../services/passkeys/registration';
import { presentPasskey } from './presenters';
import { reauthenticate } from './reauthentication';

export const listPasskeys: OperationHandler<'listPasskeys'> = async (input, services) => {
  const rows = await listOfUser(services, authenticated(input).user.id);
  return { status: 200, body: { items: rows.map(presentPasskey) } };
};

export const startPasskeyRegistration: OperationHandler<'startPasskeyRegistration'> = async (input, services) => {
  const { user } = authenticated(input);
  // A stolen access token must not put the thief's passkey on the account; the challenge then carries this proof.
  await reauthenticate(services, user, input.body?.current_password, input.clientIp, 'passkey_registration');
  const started = await start(services, user);
  if (started.outcome === 'limit_reached') throw passkeyLimitReached(MAX_PASSKEYS_PER_USER);
  return { status: 200, body: { challenge_id: started.challengeId, options: started.options } };
};

export const finishPasskeyRegistration: OperationHandler<'finishPasskeyRegistration'> = async (input, services) => {
  const { body } = input;
  const finished = await finish(services, authenticated(input).user, body.challenge_id, body.credential, body.name);
  if (finished.outcome !== 'registered') throw registrationRefusal(finished);
  return { status: 201, body: presentPasskey(finished.passkey) };
};

export const renamePasskey: OperationHandler<'renamePasskey'> = async (input, services) => {
  const renamed = await rename(services, authenticated(input).user.id, input.path.id, input.body.name);
  if (renamed.outcome === 'not_found') throw notFound('No passkey with this id.');
  return { status: 200, body: presentPasskey(renamed.passkey) };
};

export const deletePasskey: OperationHandler<'deletePasskey'> = async (input, services) => {
  const { user } = authenticated(input);
  await reauthenticate(services, user, input.body?.current_password, input.clientIp, 'passkey_removal');
  const removed = await removePasskey(services, user, input.path.id);
  if (removed.outcome === 'not_found') throw notFound('No passkey with this id.');
  return { status: 204, body: undefined };
};

export const startPasskeyAuthentication: OperationHandler<'startPasskeyAuthentication'> = async (_input, services) => {
  const started = await startAuthentication(services);
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store' },
    body: { challenge_id: started.challengeId, options: started.options },
  };
};

function registrationRefusal(refused: Exclude<RegistrationFinish, { outcome: 'registered' }>): ApiError {
  switch (refused.outcome) {
    case 'limit_reached':
      return passkeyLimitReached(MAX_PASSKEYS_PER_USER);
    case 'challenge_invalid':
      return passkeyRefused('passkey_challenge_invalid');
    case 'already_registered':
      return passkeyRefused('passkey_already_registered');
    case 'refused':
      return passkeyRefused(REFUSALS[refused.reason]);
  }
}

const REFUSALS = {
  wrong_origin: 'passkey_origin_mismatch',
  wrong_rp_id: 'passkey_rp_id_mismatch',
  user_verification_missing: 'passkey_user_verification_missing',
  counter_regression: 'passkey_invalid',
  invalid: 'passkey_invalid',
} as const;
