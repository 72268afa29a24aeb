import { loadConfig, type Env } from '../src/config';
import { configProblems } from './support/config-problems';

// Two CPUs unless a test says otherwise, whatever machine runs the suite.
const problemsOf = (env: Env, cpus = 2): string[] => configProblems(env, cpus);

describe('WORKERS', () => {
  test('defaults to one process, whose hashing pool gets every core', () => {
    expect(loadConfig({}, 4)).toMatchObject({ workers: 1, passwordThreads: 4 });
  });

  test('auto means one worker per CPU, each with a hashing pool sized so the machine is not oversubscribed', () => {
    expect(loadConfig({ WORKERS: 'auto' }, 8)).toMatchObject({ workers: 8, passwordThreads: 1 });
    expect(loadConfig({ WORKERS: '2' }, 8)).toMatchObject({ workers: 2, passwordThreads: 4 });
    expect(loadConfig({ WORKERS: '3' }, 2)).toMatchObject({ workers: 3, passwordThreads: 1 });
  });

  test('an explicit PASSWORD_THREADS wins over the derived size', () => {
    expect(loadConfig({ WORKERS: 'auto', PASSWORD_THREADS: '3' }, 2)).toMatchObject({ workers: 2, passwordThreads: 3 });
  });

  test.each(['0', '-1', '1.5', 'many', '65'])('refuses %p, naming the variable', (value) => {
    expect(problemsOf({ WORKERS: value })).toEqual([
      `WORKERS must be auto or an integer from 1 to 64 (got "${value}")`,
    ]);
  });

  test('refuses several workers on an in-memory SQLite database, which they could not share', () => {
    expect(problemsOf({ WORKERS: '2', DATABASE_URL: 'sqlite::memory:' })).toEqual([
      'WORKERS above 1 needs a database the workers share, not sqlite::memory:',
    ]);
    expect(problemsOf({ WORKERS: '1', DATABASE_URL: 'sqlite::memory:' })).toEqual([]);
  });
});

describe('METRICS_TOKEN', () => {
  test('is optional, and refused when too short to resist guessing', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN must be at least 16 characters']);
  });
});
