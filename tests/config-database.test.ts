import { loadConfig } from '../src/config';
import { configProblems } from './support/config-problems';

const PG = {
  DATABASE_URL: 'postgres://tollgate@db.internal:5432/tollgate',
  JWT_SECRET: 'a-shared-secret-a-shared-secret-0123',
};

describe('DATABASE_URL and DATABASE_POOL_SIZE', () => {
  test.each([
    'postgres://tollgate@db.internal:5432/tollgate',
    'postgresql://u:p@10.0.0.5/auth?sslmode=require',
    'sqlite:./x.db',
    'sqlite::memory:',
  ])('%s is accepted', (url) => {
    expect(loadConfig({ ...PG, DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  test('the pool holds 10 connections unless DATABASE_POOL_SIZE says otherwise', () => {
    expect(loadConfig(PG).databasePoolSize).toBe(10);
    expect(loadConfig({ ...PG, DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    expect(configProblems({ ...PG, DATABASE_POOL_SIZE: '0' })).toEqual([
      'DATABASE_POOL_SIZE must be an integer from 1 to 1000 (got "0")',
    ]);
  });

  test('DATABASE_TIMEOUT (5 s) and DATABASE_STARTUP_TIMEOUT (30 s) bound the waits for the database', () => {
    expect(loadConfig(PG)).toMatchObject({ databaseTimeout: 5, databaseStartupTimeout: 30 });
    expect(loadConfig({ ...PG, DATABASE_TIMEOUT: '2', DATABASE_STARTUP_TIMEOUT: '120' })).toMatchObject({
      databaseTimeout: 2,
      databaseStartupTimeout: 120,
    });
    expect(configProblems({ ...PG, DATABASE_TIMEOUT: '0', DATABASE_STARTUP_TIMEOUT: 'soon' })).toEqual([
      'DATABASE_TIMEOUT must be an integer from 1 to 300 (got "0")',
      'DATABASE_STARTUP_TIMEOUT must be an integer from 1 to 3600 (got "soon")',
    ]);
  });

  test.each(['mysql://x', 'postgres://', 'postgres://host-only', 'postgres:nothing', 'sqlite:'])(
    '%s is refused',
    (url) => {
      expect(configProblems({ ...PG, DATABASE_URL: url })).toEqual([
        expect.stringMatching(/^DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres:\/\//),
      ]);
    },
  );

  test('a password in a refused URL is not repeated in the problem', () => {
    const [problem] = configProblems({ ...PG, DATABASE_URL: 'postgres://tollgate:hunter2@db.internal' });
    expect(problem).toContain('postgres://tollgate:***@db.internal');
    expect(problem).not.toContain('hunter2');
  });

  test('PostgreSQL needs JWT_SECRET: instances sharing the database must share the secret', () => {
    expect(configProblems({ DATABASE_URL: PG.DATABASE_URL })).toEqual([
      'JWT_SECRET must be set when DATABASE_URL is PostgreSQL: every instance must sign and verify with the same secret',
    ]);
  });
});
