import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.js';
import { scenarioArbitrary, type Scenario } from './scenario.js';

const twoDevices = (steps: Scenario['steps'], faults = { request: 0, bucket: 0 }): Scenario => ({
  users: 1,
  devices: [
    { user: 0, tabs: [{ app: 'live', release: 'new', withoutReplaceListener: 'reload' }] },
    { user: 0, tabs: [{ app: 'live', release: 'new', withoutReplaceListener: 'reload' }] },
  ],
  faults,
  steps,
});

describe('the simulation', () => {
  it('replays a seed exactly: the same scenario and dice give the same trace', async () => {
    const [scenario] = fc.sample(scenarioArbitrary(15), { seed: 42, numRuns: 1 });
    const first = await runScenario(scenario!, 7, { checkEveryStep: true });
    const second = await runScenario(scenario!, 7, { checkEveryStep: true });
    expect(second.trace).toEqual(first.trace);
    expect(first.steps).toBeGreaterThan(0);
  });

  it('syncs two devices editing in turn with no violation', async () => {
    const run = await runScenario(
      twoDevices([
        { afterMs: 500, op: { kind: 'edit', device: 0, tab: 0, key: 0, remove: false } },
        { afterMs: 5_000, op: { kind: 'sync-now', device: 1, tab: 0 } },
        { afterMs: 1_000, op: { kind: 'edit', device: 1, tab: 0, key: 1, remove: false } },
      ]),
      1,
      { checkEveryStep: true },
    );
    expect(run.violations).toEqual([]);
    expect(run.trace.some((line) => line.includes('d2/tab0 SDK wrote local data {"t_a":"e1"}'))).toBe(true);
  });

  it('counts the faults it injects under a faulty network and bucket, and still ends with every page settled', async () => {
    const steps: Scenario['steps'] = Array.from({ length: 12 }, (_, i) => ({
      afterMs: 700,
      op: { kind: 'edit', device: i % 2, tab: 0, key: i % 3, remove: false },
    }));
    const run = await runScenario(twoDevices(steps, { request: 0.2, bucket: 0.2 }), 3, { checkEveryStep: true });
    expect(Object.values(run.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(run.violations.filter((v) => v.invariant === 'progress')).toEqual([]);
  });
});
