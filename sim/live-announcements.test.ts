import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.js';
import type { Scenario } from './scenario.js';

const liveDevices = (steps: Scenario['steps'], faults = { request: 0, bucket: 0 }): Scenario => ({
  users: 1,
  devices: [
    { user: 0, tabs: [{ app: 'live', release: 'new', withoutReplaceListener: 'reload', live: true }] },
    {
      user: 0,
      tabs: [
        { app: 'live', release: 'new', withoutReplaceListener: 'reload', live: true },
        { app: 'live', release: 'new', withoutReplaceListener: 'reload', live: true },
      ],
    },
  ],
  faults,
  steps,
});

/** The trace lines up to the first "Sync now" a person pressed (the calm phase presses it everywhere). */
function beforeAnySyncNow(trace: string[]): string[] {
  const pressed = trace.findIndex((line) => line.includes('person: Sync now'));
  return pressed === -1 ? trace : trace.slice(0, pressed);
}

describe('live announcements in the simulation', () => {
  it("brings another device's edit to an open live page with no action, through one socket per device", async () => {
    const run = await runScenario(
      liveDevices([{ afterMs: 500, op: { kind: 'edit', device: 0, tab: 0, key: 0, remove: false } }]),
      1,
      { checkEveryStep: true },
    );
    expect(run.violations).toEqual([]);
    const early = beforeAnySyncNow(run.trace);
    expect(
      early.some(
        (line) =>
          line.includes('d2/tab0 SDK wrote local data {"t_a":"e1"}') ||
          line.includes('d2/tab1 SDK wrote local data {"t_a":"e1"}'),
      ),
    ).toBe(true);
    // Leadership: of d2's two tabs, one holds the socket.
    expect(early.filter((line) => /^.*d2\/tab\d live socket open$/.test(line))).toHaveLength(1);
  });

  it('holds its live invariants while announcements arrive late, twice, never or ahead of the server', async () => {
    const steps: Scenario['steps'] = Array.from({ length: 16 }, (_, i) => ({
      afterMs: 900,
      op:
        i % 4 === 3
          ? { kind: 'sync-now', device: i % 2, tab: i % 2 }
          : { kind: 'edit', device: i % 2, tab: 0, key: i % 3, remove: false },
    }));
    const run = await runScenario(liveDevices(steps, { request: 0.08, bucket: 0.02 }), 5, { checkEveryStep: true });
    expect(Object.keys(run.faults).filter((name) => name.startsWith('announcement-')).length).toBeGreaterThan(0);
    expect(run.violations.filter((v) => v.invariant.startsWith('live-') || v.invariant === 'progress')).toEqual([]);
  });
});
