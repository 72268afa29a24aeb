import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built server, expected to fail at startup: its exit code and what it wrote to stderr. */
export function runToExit(
  env: Record<string, string>,
  as: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../dist/src/main.js')], {
    ...as,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}
