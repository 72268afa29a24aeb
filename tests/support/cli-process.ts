import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as an operator runs it: a separate process, config from a minimal environment. */
export function runCli(
  databaseUrl: string,
  args: string[],
  stdin = '',
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'x'.repeat(40),
      ...extraEnv,
    };
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A usage error exits before reading stdin; the resulting EPIPE is not a test failure.
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The last stdout line, parsed: commands that report a summary print it there. */
export function lastJsonLine(run: CliRun): unknown {
  const lines = run.stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as unknown;
}
