/** One suite, run once per dialect (as Kysely tests itself): SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  // json-schema-ref-parser (used by openapi-backend) ships ES modules only; jest needs CommonJS.
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  transformIgnorePatterns: ['/node_modules/(?!@apidevtools/json-schema-ref-parser/)'],
};

/** Suites the postgres project leaves out, each with its reason; everything else runs on both. */
const SQLITE_ONLY = [
  // The CLI runs as child processes on a SQLite file it is given; its PostgreSQL path is openDatabase, covered by every other suite.
  '<rootDir>/tests/cli/',
  // Configuration parsing, and processes started on a SQLite file (the dev JWT secret kept beside it, key checks at startup).
  '<rootDir>/tests/config.test.ts',
  '<rootDir>/tests/config-database.test.ts',
  '<rootDir>/tests/config-keys.test.ts',
  '<rootDir>/tests/config-files.test.ts',
  '<rootDir>/tests/config-webauthn.test.ts',
  // No database at all: running them twice proves nothing more.
  '<rootDir>/tests/http/',
  '<rootDir>/tests/handlers/',
  '<rootDir>/tests/security/passwords.test.ts',
  '<rootDir>/tests/security/access-tokens.test.ts',
  '<rootDir>/tests/security/key-ring.test.ts',
  '<rootDir>/tests/contract/',
  // Spawns the built server with WORKERS=2 on a SQLite file of its own: the dialect under test plays no part.
  '<rootDir>/tests/cluster/',
  // The built server as a child process on a SQLite file: kill -9 recovery is about SQLite's WAL; shutdown and timeouts do not depend on the dialect.
  '<rootDir>/tests/process/',
];

const projects = [{ ...common, displayName: 'sqlite', globals: { TOLLGATE_TEST_DIALECT: 'sqlite' } }];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    ...common,
    displayName: 'postgres',
    globals: { TOLLGATE_TEST_DIALECT: 'postgres' },
    testPathIgnorePatterns: ['/node_modules/', ...SQLITE_ONLY],
  });
}

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  globalSetup: '<rootDir>/tests/support/build.js',
  projects,
};
