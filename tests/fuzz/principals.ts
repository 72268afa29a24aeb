import type { components } from '../../generated/api';
import { findOauthClient } from '../../src/repositories/oauth-clients.repository';
import { findUserById } from '../../src/repositories/users.repository';
import { scopesOfRole } from '../../src/security/scopes';
import { allowsGrant, registerClient } from '../../src/services/oauth/clients';
import { registerUser } from '../../src/services/registration';
import type { TestApp } from '../support/test-app';
import type { OperationModel } from './spec-model';
import type { Credentials } from './wire';

type Role = components['schemas']['Role'];

/**
 * A user of the least role that holds the operation's scopes, with real tokens from the app's own
 * token service. Fuzzed requests may log them out, deactivate or re-role them, so before each
 * request the tokens are issued again, and a user who can no longer act is replaced. An operation
 * requiring `users:admin` is called, every other time, with a machine client's own token instead
 * (client credentials: admitted there as an admin user is).
 */
export function principals(app: TestApp) {
  const { services } = app.server;
  const current = new Map<Role, number>();
  let created = 0;

  async function userOf(role: Role) {
    const id = current.get(role);
    const row = id === undefined ? undefined : await findUserById(services.db, id);
    if (row && row.is_active === 1 && row.role === role) return row;
    created += 1;
    const username = `fuzz_${role}_${created}`;
    const registration = await registerUser(
      services,
      { username, email: `${username}@example.com`, password: `fuzz-password-${created}` },
      role,
    );
    if (registration.outcome !== 'registered') throw new Error(`${username} exists`);
    current.set(role, registration.user.id);
    return registration.user;
  }

  let machineId: string | undefined;
  let machineTurn = false;

  async function machine(): Promise<string> {
    const row = machineId === undefined ? undefined : await findOauthClient(services.db, machineId);
    if (row && allowsGrant(row, 'client_credentials') && row.scope.split(' ').includes('users:admin'))
      return row.client_id;
    const registered = await registerClient(services, {
      name: 'fuzz machine',
      type: 'confidential',
      grant_types: ['client_credentials'],
      scope: 'users:admin',
    });
    if (registered.outcome !== 'created') throw new Error('machine client registration failed');
    machineId = registered.client.client_id;
    return machineId;
  }

  return {
    async credentialsFor(operation: OperationModel): Promise<Credentials | undefined> {
      const required = operation.scopes;
      if (!required) return undefined;
      if (required.includes('users:admin')) machineTurn = !machineTurn;
      if (required.includes('users:admin') && machineTurn) {
        const clientId = await machine();
        return {
          token: await services.tokens.issueForClient({ client_id: clientId, token_generation: 0 }, ['users:admin']),
          unscopedToken: await services.tokens.issueForClient({ client_id: clientId, token_generation: 0 }, []),
        };
      }
      const role: Role = required.every((s) => (scopesOfRole('user') as readonly string[]).includes(s))
        ? 'user'
        : 'admin';
      const user = await userOf(role);
      return {
        token: await services.tokens.issue(user, scopesOfRole(role)),
        unscopedToken: await services.tokens.issue(user, []),
      };
    },
  };
}
