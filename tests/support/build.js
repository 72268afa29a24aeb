// Jest globalSetup: tests that run the built CLI or server process need dist/, built once per run.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
};
