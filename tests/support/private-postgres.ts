import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { freePort } from '../../scripts/support/server-process';

/**
 * A PostgreSQL cluster of the test's own (Debian's pg_createcluster), for tests that restart, stop
 * and lock the database. The shared cluster on 5432 serves other suites and other engineers: it
 * must never be restarted. Needs root (CI's `.ci/run` is root) and the postgresql-common tools.
 */
export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** A statement as the superuser, on a connection of its own. */
  query(statement: string): Promise<unknown[]>;
  /** Stops and deletes the cluster, its configuration and its data. */
  drop(): void;
}

/** Why the tests cannot run here, or undefined when they can. */
export function privatePostgresUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'creating a private PostgreSQL cluster needs root (pg_createcluster)';
  try {
    execFileSync('which', ['pg_createcluster'], { stdio: 'ignore' });
    return postgresVersion() === undefined ? 'no PostgreSQL version under /etc/postgresql' : undefined;
  } catch {
    return 'pg_createcluster (postgresql-common) is not installed';
  }
}

function postgresVersion(): string | undefined {
  try {
    return readdirSync('/etc/postgresql').sort().pop();
  } catch {
    return undefined;
  }
}

// Asynchronous: the test's own clients keep sending while PostgreSQL restarts.
const ctl = async (version: string, name: string, action: string): Promise<void> => {
  await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action]);
};

/**
 * Named after the test process (`<prefix>_<pid>`), so parallel runs on one machine never share or
 * drop each other's cluster; clusters of the prefix left by runs that died before dropping theirs
 * (their pid is gone) are dropped first.
 */
export async function createPrivatePostgres(prefix: string): Promise<PrivatePostgres> {
  const version = postgresVersion() ?? '';
  dropAbandoned(version, prefix);
  const name = `${prefix}_${process.pid}`;
  dropCluster(version, name);
  const port = await freePort();
  execFileSync(
    'pg_createcluster',
    [
      version,
      name,
      '-p',
      String(port),
      '-o',
      'fsync=off',
      '-o',
      'max_connections=60',
      '--',
      '--auth-host=trust',
      '--auth-local=trust',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await ctl(version, name, 'start');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    restart: () => ctl(version, name, 'restart'),
    stop: () => ctl(version, name, 'stop'),
    start: () => ctl(version, name, 'start'),
    async query(statement) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(statement)).rows as unknown[];
      } finally {
        await client.end();
      }
    },
    drop: () => dropCluster(version, name),
  };
}

function dropAbandoned(version: string, prefix: string): void {
  const listing = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
  for (const line of listing.split('\n')) {
    const [lineVersion, name] = line.trim().split(/\s+/);
    const pid = Number(name?.startsWith(`${prefix}_`) ? name.slice(prefix.length + 1) : NaN);
    if (lineVersion === version && name && Number.isInteger(pid) && !isAlive(pid)) dropCluster(version, name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function dropCluster(version: string, name: string): void {
  try {
    execFileSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore' });
  } catch {
    // Not there: nothing to drop.
  }
}
