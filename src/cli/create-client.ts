import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { presentOauthClient } from '../handlers/presenters';
import { createLogger } from '../logger';
import { CLIENT_GRANT_TYPES, registerClient, type ClientGrantType } from '../services/oauth/clients';
import { EXIT, UsageError, type Command, type Flags } from './command';

/**
 * Registers an OAuth client as POST /oauth/clients does (the same service, the same rules) and
 * prints it as JSON on its last line, the secret of a confidential client included: the only time it is shown.
 */
export const createClient: Command = {
  usage:
    '--name NAME [--redirect-uri URI…] [--confidential] [--grant-type authorization_code|refresh_token|client_credentials…] [--scope "openid profile…"]',
  options: {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'grant-type': { type: 'string', multiple: true },
    confidential: { type: 'boolean' },
    scope: { type: 'string' },
  },
  async run(flags) {
    const settings = readFlags(flags);
    const config = loadConfig(process.env);
    const database = await openDatabase(config);
    try {
      await migrateToLatest(database.db, database.dialect);
      const result = await registerClient(
        { db: database.db, clock: systemClock, logger: createLogger('silent') },
        settings,
      );
      if (result.outcome === 'invalid') {
        for (const problem of result.problems) process.stderr.write(`${problem.field}: ${problem.message}\n`);
        return EXIT.usage;
      }
      process.stdout.write(
        `${JSON.stringify({ ...presentOauthClient(result.client), ...(result.secret !== undefined && { client_secret: result.secret }) })}\n`,
      );
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};

/** Whether redirect URIs are needed is the service's rule (the authorization_code grant needs one): it names the field. */
function readFlags(flags: Flags): {
  name: string;
  type: 'public' | 'confidential';
  redirect_uris: string[];
  grant_types?: ClientGrantType[];
  scope?: string;
} {
  const { name, scope } = flags;
  const redirectUris = flags['redirect-uri'];
  if (typeof name !== 'string' || name.trim() === '') throw new UsageError('--name is required');
  return {
    name,
    type: flags.confidential === true ? 'confidential' : 'public',
    redirect_uris: Array.isArray(redirectUris) ? redirectUris.map(String) : [],
    ...grantTypes(flags['grant-type']),
    ...(typeof scope === 'string' && { scope }),
  };
}

function grantTypes(flag: Flags[string]): { grant_types?: ClientGrantType[] } {
  if (!Array.isArray(flag)) return {};
  const unknown = flag.filter((g) => !(CLIENT_GRANT_TYPES as readonly unknown[]).includes(g));
  if (unknown.length > 0)
    throw new UsageError(`--grant-type must be one of ${CLIENT_GRANT_TYPES.join(', ')} (not ${unknown.join(', ')})`);
  return { grant_types: [...new Set(flag as ClientGrantType[])] };
}
