import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, syncedTab, testDevice, useFakeTime } from '../test-support/sync-harness.js';
import { KEPT_ON_DEVICE_REASON } from './cloud-deleted.js';

describe('cloud data deleted (a tombstone, DESIGN §10)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('a device that synced before meets the deletion as a cloud-deleted conflict: it neither re-uploads nor empties its store', async () => {
    const tab = await syncedTab(server, { t_a: '1', t_b: '2' });
    const tombstone = server.deleteCloud('tenure')!;
    await tab.sync.syncNow();
    expect(server.log()).toEqual(['GET /meta']);
    expect(tab.device.storage.dump()).toEqual([
      ['t_a', '1'],
      ['t_b', '2'],
    ]);
    expect(server.current('tenure')).toBeUndefined();
    expect(tab.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: {
        reason: 'cloud-deleted',
        localVersion: 1,
        serverVersion: tombstone.version,
        serverModified: tombstone.deletedAt,
        local: { keys: 2 },
        server: { keys: 0 },
      },
    });
  });

  it('a debounced push of a local edit over the deletion is refused (409) and becomes the cloud-deleted conflict', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    server.deleteCloud('tenure');
    tab.write({ t_a: 'edited' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();
    expect(server.log()).toEqual(['POST /push', 'GET /meta']);
    expect(server.current('tenure')).toBeUndefined();
    expect(tab.sync.getState().conflict?.reason).toBe('cloud-deleted');
    expect(tab.device.storage.dump()).toEqual([['t_a', 'edited']]);
  });

  it("cloud-deleted, keep-local: uploads this device's data as the version after the tombstone", async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    await server.seed('tenure', { t_a: '1', t_b: 'x' }, 'device-a');
    await tab.sync.syncNow();
    server.deleteCloud('tenure');
    await tab.sync.syncNow();
    expect(tab.sync.getState().conflict).toMatchObject({ reason: 'cloud-deleted', serverVersion: 3 });
    server.requests.length = 0;

    await tab.sync.resolveConflict('keep-local');
    const pushed = server.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(pushed).toMatchObject({ version: 3, data: { t_a: '1', t_b: 'x' } });
    expect(pushed).not.toHaveProperty('baseChecksum');
    expect(server.current('tenure')?.record.version).toBe(4);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 4 });
  });

  it('cloud-deleted, use-server: keeps the data on this device only and stops syncing it, across reloads, until Sync now', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    server.deleteCloud('tenure');
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    expect(tab.device.storage.dump()).toEqual([['t_a', '1']]);
    expect(tab.sync.getState()).toMatchObject({
      status: 'disabled',
      disabledReason: KEPT_ON_DEVICE_REASON,
      version: 2,
    });
    expect(await tab.sync.listBackups()).toEqual([]);

    // Edits stay local, also on the next page load: nothing is sent.
    server.requests.length = 0;
    tab.write({ t_a: 'local only' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(60_000);
    tab.platform.emit('hidden');
    await tab.sync.idle();
    tab.sync.stop();
    const reloaded = openTab({ server, device: tab.device });
    await reloaded.sync.start();
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(reloaded.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: KEPT_ON_DEVICE_REASON });

    // Sync now asks again, and the person may then upload.
    await reloaded.sync.syncNow();
    expect(reloaded.sync.getState().conflict?.reason).toBe('cloud-deleted');
    await reloaded.sync.resolveConflict('keep-local');
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: { t_a: 'local only' } });
    expect(reloaded.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it('keeping the data on this device outlives forget(): signing in again uploads nothing until Sync now asks', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    server.deleteCloud('tenure');
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    // Sign-out, then the same account signs in again on a new page.
    await tab.sync.forget();
    server.requests.length = 0;
    const again = openTab({ server, device: tab.device });
    await again.sync.start();
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(server.current('tenure')).toBeUndefined();
    expect(again.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: KEPT_ON_DEVICE_REASON });
    expect(again.device.storage.dump()).toEqual([['t_a', '1']]);
    await again.sync.syncNow();
    expect(again.sync.getState().conflict?.reason).toBe('cloud-deleted');
  });

  it('a device that kept its data meets data another device uploaded since as a whole-data first-sync conflict (Sync now)', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    server.deleteCloud('tenure');
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    await server.seed('tenure', { t_a: 'from the phone' });
    await tab.sync.syncNow();
    expect(tab.sync.getState().conflict).toMatchObject({ reason: 'first-sync', serverVersion: 3 });
    expect(tab.device.storage.dump()).toEqual([['t_a', '1']]);
  });

  it('a device that never synced just pushes after the tombstone', async () => {
    await syncedTab(server, { t_a: 'first device' });
    server.deleteCloud('tenure');
    const fresh = openTab({ server, device: testDevice('device-b') });
    fresh.write({ t_a: 'new device' });
    await fresh.sync.start();
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: { t_a: 'new device' } });
    expect(fresh.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it('an empty device records the tombstone as its base and then pushes its first edit after it', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    server.deleteCloud('tenure');
    tab.device.storage.removeItem('t_a');
    await tab.sync.syncNow();
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    tab.write({ t_a: 'fresh start' });
    await tab.sync.syncNow();
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: { t_a: 'fresh start' } });
  });
});
