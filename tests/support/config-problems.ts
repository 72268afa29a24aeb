import { ConfigError, loadConfig, type Env } from '../../src/config';

/** The problems loadConfig lists for this environment, one line each; empty when it is accepted. */
export function configProblems(env: Env, cpuCount?: number): string[] {
  try {
    loadConfig(env, cpuCount);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? [...error.problems] : ['not a ConfigError'];
  }
}
