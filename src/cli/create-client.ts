import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { presentOauthClient } from '../handlers/presenters';
import { createLogger } from '../logger';
import { registerClient } from '../services/oauth/clients';
import { EXIT, UsageError, type Command, type Flags } from './command';

/**
 * Registers an OAuth client as POST /oauth/clients does (the same service, the same rules) and
 * prints it as JSON on its last line, the secret of a confidential client included: the only time it is shown.
 */
export const createClient: Command = {
  usage: '--name NAME --redirect-uri URI [--redirect-uri URI…] [--confidential] [--scope "openid profile…"]',
  options: {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
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

function readFlags(flags: Flags): {
  name: string;
  type: 'public' | 'confidential';
  redirect_uris: string[];
  scope?: string;
} {
  const { name, scope } = flags;
  const redirectUris = flags['redirect-uri'];
  if (typeof name !== 'string' || name.trim() === '') throw new UsageError('--name is required');
  if (!Array.isArray(redirectUris) || redirectUris.length === 0)
    throw new UsageError('--redirect-uri is required (repeat it for several)');
  return {
    name,
    type: flags.confidential === true ? 'confidential' : 'public',
    redirect_uris: redirectUris.map(String),
    ...(typeof scope === 'string' && { scope }),
  };
}
