import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, useFakeTime } from '../test-support/sync-harness.js';

// DESIGN §7.6: nothing runs after stop. Found by the seeded simulation (seed 6190 from 5000 on):
// an edit just before a reload claimed the unowned data for its account after the page had stopped.
describe('a page that stopped writes nothing more to IndexedDB', () => {
  beforeEach(() => void useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it('an edit made just before stop claims no owner after stop; the next page claims it when it syncs the edit', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    // Offline from the start, as in the seed: nothing synced, so the store's data has no owner yet.
    tab.platform.emit('offline');
    await tab.sync.start();
    expect(await tab.device.records.getOwner('tenure')).toBeNull();
    const setOwner = vi.spyOn(tab.device.records, 'setOwner');
    tab.write({ t_a: 'typed just before the reload' });
    tab.sync.notifyChanged();
    tab.sync.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(setOwner).not.toHaveBeenCalled();
    expect(await tab.device.records.getOwner('tenure')).toBeNull();

    const next = openTab({ server, device: tab.device });
    await next.sync.start();
    expect(server.current('tenure')?.data.t_a).toBe('typed just before the reload');
    expect(await tab.device.records.getOwner('tenure')).not.toBeNull();
  });

  // Sim seed 1796695137: a reload while the first sync saved its record; the owner came after stop.
  it('a page stopped while its first sync saves the record claims no owner; the next page claims it', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    const records = tab.device.records;
    const setRecord = records.setRecord.bind(records);
    vi.spyOn(records, 'setRecord').mockImplementation(async (...args) => {
      tab.sync.stop();
      return setRecord(...args);
    });
    const setOwner = vi.spyOn(records, 'setOwner');
    await tab.sync.start().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(records.setRecord).toHaveBeenCalled();
    expect(setOwner).not.toHaveBeenCalled();
    expect(await records.getOwner('tenure')).toBeNull();

    vi.mocked(records.setRecord).mockRestore();
    const next = openTab({ server, device: tab.device });
    await next.sync.start();
    expect(await records.getOwner('tenure')).not.toBeNull();
  });
});
