import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { handlers } from '../../src/handlers';
import { startTestApp, type TestApp } from '../support/test-app';
import { brokenValues } from './broken-values';
import { brokenWire } from './broken-wire';
import { snapshotTables } from './db-snapshot';
import { principals } from './principals';
import { toWire, validValues } from './requests';
import { operationModels, type OperationModel } from './spec-model';
import { send, type WireRequest } from './wire';

// Replay a failure with FUZZ_SEED=<the seed fast-check printed>; FUZZ_RUNS raises the count locally.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
// Each property starts no run after this long, so a slow CI machine stays in budget; see withinTimeLimit.
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 3000);

const models = operationModels();

let app: TestApp;
let people: ReturnType<typeof principals>;

beforeAll(async () => {
  app = await startTestApp();
  people = principals(app);
});
afterAll(() => app.close());

/** Checks under way. None may outlive its test: its request would write during the next test's snapshots. */
const running = new Set<Promise<void>>();
afterEach(async () => {
  const outlived = running.size;
  // Whatever the outcome, the next test starts on a quiet database.
  await Promise.allSettled([...running]);
  if (outlived > 0) throw new Error(`${outlived} check(s) still running when the property returned: their writes would land in the next test`);
});

/**
 * The property under the time limit. Not fast-check's interruptAfterTimeLimit: that races the run in
 * progress and returns, leaving its request running into the next test, where its writes (a user
 * created, MFA reset, a token version raised) broke that test's "nothing written" check; and a first
 * run slower than the limit on a loaded machine failed as "interrupted after 0 tests". Here a run once
 * started is finished; after the limit, later runs pass untried (the first always runs).
 */
function withinTimeLimit(run: (request: WireRequest) => Promise<void>): (request: WireRequest) => Promise<void> {
  const deadline = Date.now() + TIME_LIMIT_MS;
  let started = 0;
  return async (request) => {
    if (started > 0 && Date.now() >= deadline) return;
    started += 1;
    await run(request);
  };
}

/** Runs the check and keeps it in `running` until it is done. */
function tracked(operation: OperationModel, request: WireRequest): Promise<void> {
  const run = check(operation, request).finally(() => running.delete(run));
  running.add(run);
  return run;
}

test('every operation of the spec is fuzzed', () => {
  expect(models.map((m) => m.operationId).sort()).toEqual(Object.keys(handlers).sort());
});

/** The properties every request must keep; a refused request must also leave every table as it was. */
async function check(operation: OperationModel, request: WireRequest): Promise<void> {
  const credentials = await people.credentialsFor(operation);
  const before = await snapshotTables(app.server.services.db);
  const response = await send(app, operation, request, credentials); // throws when the response breaks the contract
  await response.arrayBuffer();
  const context = `${operation.method} ${operation.path}: ${request.change} → ${response.status}`;
  if (response.status >= 500) throw new Error(`server error: ${context}`);
  if (request.verdict !== 'invalid') return;
  if (response.status < 400) throw new Error(`a request the spec refuses was accepted: ${context}`);
  expect({ context, tables: await snapshotTables(app.server.services.db) }).toEqual({ context, tables: before });
}

const options = { seed: SEED, numRuns: RUNS };

describe.each(models.map((m) => [m.operationId, m] as const))('%s', (_, operation) => {
  test('valid requests: no 5xx, responses as the spec says', async () => {
    const requests = validValues(operation).map((values) => toWire(operation, values, 'none (valid)'));
    await fc.assert(fc.asyncProperty(requests, withinTimeLimit((request) => tracked(operation, request))), options);
  });

  test('requests broken one part at a time: 4xx, as the spec says, and nothing written', async () => {
    const requests = validValues(operation).chain((base) =>
      fc.oneof(
        brokenValues(operation, base).map(({ values, change }) => toWire(operation, values, change)),
        ...brokenWire(operation, toWire(operation, base, 'none (valid)')),
      ),
    );
    await fc.assert(fc.asyncProperty(requests, withinTimeLimit((request) => tracked(operation, request))), options);
  });
});
