import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, testDevice, useFakeTime } from '../test-support/sync-harness.js';

describe('two tabs of one device', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('never conflict with each other, starting together and pushing together', async () => {
    const device = testDevice();
    const tabA = openTab({ server, device });
    const tabB = openTab({ server, device });
    tabA.write({ t_a: '1' });
    await Promise.all([tabA.sync.start(), tabB.sync.start()]);

    for (let round = 2; round <= 5; round++) {
      tabA.write({ t_a: String(round) });
      tabA.sync.notifyChanged();
      tabB.write({ t_b: String(round) });
      tabB.sync.notifyChanged();
      tabA.platform.emit('blur');
      tabB.platform.emit('hidden');
      await vi.advanceTimersByTimeAsync(30_000);
      await Promise.all([tabA.sync.idle(), tabB.sync.idle()]);
    }
    await Promise.all([tabA.sync.syncNow(), tabB.sync.syncNow()]);

    const statuses = [tabA.sync.getState(), tabB.sync.getState()].map((s) => s.status);
    expect(statuses).toEqual(['synced', 'synced']);
    expect(server.log().filter((line) => line === 'POST /push')).toHaveLength(5);
    expect(server.current('tenure')?.data).toEqual({ t_a: '5', t_b: '5' });
  });

  it('stay synced on an empty device that never synced when the other tab settles (seed 109 of npm run sim)', async () => {
    const device = testDevice();
    const tabA = openTab({ server, device });
    const tabB = openTab({ server, device });
    await tabA.sync.start();
    const heardByA: string[] = [];
    tabA.sync.subscribe((state) => heardByA.push(state.status));
    await tabB.sync.start();
    await vi.waitFor(() => expect(heardByA).not.toEqual([]));

    expect(heardByA).toEqual(['synced']);
    expect([tabA.sync.getState().status, tabB.sync.getState().status]).toEqual(['synced', 'synced']);
  });

  it('never conflict with a push another tab sent as it closed, whose answer it never saw', async () => {
    const device = testDevice();
    const tabA = openTab({ server, device });
    tabA.write({ t_a: '1' });
    await tabA.sync.start();
    const tabB = openTab({ server, device });
    await tabB.sync.start();
    tabB.write({ t_a: 'X' });
    server.loseNextAnswer();
    tabB.platform.emit('pagehide');
    await tabB.sync.idle();
    tabB.sync.stop();
    expect(server.current('tenure')?.record.version).toBe(2);

    tabA.write({ t_a: 'Y' });
    tabA.platform.emit('blur');
    await tabA.sync.idle();
    expect(tabA.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(server.current('tenure')?.data.t_a).toBe('Y');
  });

  it('share state: a push by one tab shows as synced in the other', async () => {
    const device = testDevice();
    const tabA = openTab({ server, device });
    const tabB = openTab({ server, device });
    await Promise.all([tabA.sync.start(), tabB.sync.start()]);
    tabA.write({ t_a: 'x' });
    tabB.sync.notifyChanged();
    expect(tabB.sync.getState().status).toBe('pending');
    tabA.platform.emit('blur');
    await tabA.sync.idle();
    await vi.waitFor(() => expect(tabB.sync.getState()).toMatchObject({ status: 'synced', version: 1 }));
  });

  it('clear a conflict in the other tab once one tab resolved it', async () => {
    const device = testDevice();
    const tabA = openTab({ server, device });
    tabA.write({ t_a: '1' });
    await tabA.sync.start();
    const { snapshotFromEntries } = await import('../contract/index.js');
    await server.seed('tenure', snapshotFromEntries([['t_a', 'other device']]));
    tabA.write({ t_a: 'local' });
    const tabB = openTab({ server, device });
    await Promise.all([tabB.sync.start(), tabA.sync.syncNow()]);
    expect([tabA.sync.getState().status, tabB.sync.getState().status]).toEqual(['conflict', 'conflict']);
    await tabA.sync.resolveConflict('keep-local');
    await vi.waitFor(() => expect(tabB.sync.getState()).toMatchObject({ status: 'synced', version: 3 }));
  });
});
