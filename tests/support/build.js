// Jest globalSetup: tests that run the built CLI or server process need dist/, built once per run.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = () => {
  // From scratch: tsc never deletes the output of a source that was moved or removed (src/config.ts →
  // src/config/index.ts), and a stale dist/src/config.js would shadow the folder.
  require('node:fs').rmSync(path.resolve(__dirname, '../../dist'), { recursive: true, force: true });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: 'inherit',
  });
};
