import type { TestApp } from './test-app';

/** bcrypt comparisons the app has made so far at each cost, from its own metrics: the work logins did. */
export async function comparisonsByCost(app: TestApp): Promise<Record<string, number>> {
  const metric = app.server.services.metrics.registry.getSingleMetric('tollgate_password_comparisons_total');
  const counted: Record<string, number> = {};
  for (const value of (await metric?.get())?.values ?? []) counted[String(value.labels.cost)] = value.value;
  return counted;
}

/** The comparisons made while `action` ran, by cost (requests must not overlap with others). */
export async function comparisonsDuring(app: TestApp, action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await comparisonsByCost(app);
  await action();
  const after = await comparisonsByCost(app);
  return Object.fromEntries(
    Object.entries(after)
      .map(([cost, n]) => [cost, n - (before[cost] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
}
