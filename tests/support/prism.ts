import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

const ROOT = path.resolve(__dirname, '../..');
const PRISM = require.resolve('@stoplight/prism-cli/dist/index.js');
const SPEC = path.join(ROOT, 'openapi.yaml');
const READY = /Prism is listening on (http:\/\/\S+)/;
const ATTEMPTS = 3;

export interface RunningPrism {
  readonly url: string;
  /** Everything Prism printed so far, to explain a failure. */
  output(): string;
  close(): Promise<void>;
}

/** `prism mock openapi.yaml` on a free port. */
export function startPrismMock(): Promise<RunningPrism> {
  return startPrism(['mock', SPEC]);
}

/** `prism proxy --errors openapi.yaml UPSTREAM`: any request or response breaking the contract becomes an error answer. */
export function startPrismProxy(upstream: string): Promise<RunningPrism> {
  return startPrism(['proxy', SPEC, upstream, '--errors']);
}

async function startPrism(args: string[]): Promise<RunningPrism> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    try {
      return await startOnce([...args, '--host', '127.0.0.1', '--port', String(await freePort())]);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function startOnce(args: string[]): Promise<RunningPrism> {
  const child = spawn(process.execPath, [PRISM, ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (ready?.[1]) resolve({ url: ready[1], output: () => output, close: () => stop(child) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`prism ${args[0]} exited with ${code} before listening:\n${output}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
