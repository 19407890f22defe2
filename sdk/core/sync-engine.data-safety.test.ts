import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyPrefixAdapter } from '../adapters/key-prefix.js';
import { snapshotFromEntries } from '../contract/index.js';
import { FakeSyncServer, openTab, syncedTab, testDevice, useFakeTime } from '../test-support/sync-harness.js';
import { fakeToken } from '../test-support/tokens.js';

const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

describe('an emptied store is not an edit (DESIGN §7.2)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('raises local-emptied on a blur after the app cleared its keys, and pushes nothing', async () => {
    const tab = await syncedTab(server, { t_a: '1', t_b: '2' });
    tab.device.storage.clear();
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.log()).not.toContain('POST /push');
    expect(server.current('tenure')?.data).toEqual({ t_a: '1', t_b: '2' });
    expect(tab.sync.getState().conflict).toMatchObject({
      reason: 'local-emptied',
      local: { keys: 0 },
      server: { keys: 2 },
    });
  });

  it('raises local-emptied at the next start after the store was emptied while no manager ran', async () => {
    const device = testDevice();
    const first = openTab({ server, device });
    first.write({ t_a: '1' });
    await first.sync.start();
    first.sync.stop();
    device.storage.clear();
    const again = openTab({ server, device });
    await again.sync.start();
    expect(again.sync.getState().conflict?.reason).toBe('local-emptied');
    expect(server.current('tenure')?.data).toEqual({ t_a: '1' });
  });

  it('empties the server only when the person chooses keep-local, and brings the data back with use-server', async () => {
    const tab = await syncedTab(server, { t_a: '1' });
    tab.device.storage.clear();
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    expect(tab.device.storage.getItem('t_a')).toBe('1');
    tab.device.storage.clear();
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('keep-local');
    expect(server.current('tenure')).toMatchObject({ record: { version: 2 }, data: {} });
  });
});

describe('keys this release does not own are carried, not deleted (DESIGN §7.3)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  const olderRelease = (storage: Storage) => keyPrefixAdapter({ keys: ['k1', 'k2'], storage });

  it("an older release pulls a newer release's keys, keeps them out of its store, and carries them into every push", async () => {
    await server.seed('tenure', data({ k1: 'a', k2: 'b', k3: 'only the new release knows' }));
    const old = openTab({ server, adapter: olderRelease });
    await old.sync.start();
    expect(old.device.storage.getItem('k3')).toBeNull();
    expect(old.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
    old.platform.emit('blur');
    await old.sync.idle();
    expect(server.current('tenure')?.record.version).toBe(1);

    old.write({ k1: 'edited on the old release' });
    old.platform.emit('blur');
    await old.sync.idle();
    expect(server.current('tenure')).toMatchObject({
      record: { version: 2 },
      data: { k1: 'edited on the old release', k2: 'b', k3: 'only the new release knows' },
    });
    expect(old.sync.getState()).toMatchObject({ status: 'synced', pendingSince: null });
  });

  it('a newer release on the same device never deletes the keys an older release pulled but could not write (seed 1211 of npm run sim)', async () => {
    await server.seed('tenure', data({ k1: 'a', k3: 'only the new release knows' }));
    const device = testDevice();
    const old = openTab({ server, device, adapter: olderRelease });
    await old.sync.start();
    old.sync.stop();
    const newer = openTab({
      server,
      device,
      adapter: (storage) => keyPrefixAdapter({ keys: ['k1', 'k2', 'k3'], storage }),
    });
    await newer.sync.start();
    newer.platform.emit('blur');
    await newer.sync.idle();

    expect(server.current('tenure')).toMatchObject({
      record: { version: 1 },
      data: { k1: 'a', k3: 'only the new release knows' },
    });
    await newer.sync.syncNow();
    expect(device.storage.getItem('k3')).toBe('only the new release knows');
    newer.write({ k1: 'edited on the new release' });
    newer.platform.emit('blur');
    await newer.sync.idle();
    expect(server.current('tenure')?.data).toEqual({
      k1: 'edited on the new release',
      k3: 'only the new release knows',
    });
  });

  it('a newer release meets its own unsynced value of a key an older release could not see as a conflict, never a push (seed 1816 of npm run sim)', async () => {
    await server.seed('tenure', data({ k3: "the other device's" }));
    const device = testDevice();
    device.storage.setItem('k3', 'written here by the newer release, never synced');
    const old = openTab({ server, device, adapter: olderRelease });
    await old.sync.start();
    old.sync.stop();
    const newer = openTab({
      server,
      device,
      adapter: (storage) => keyPrefixAdapter({ keys: ['k1', 'k2', 'k3'], storage }),
    });
    await newer.sync.start();
    newer.platform.emit('blur');
    await newer.sync.idle();

    expect(server.current('tenure')).toMatchObject({ record: { version: 1 }, data: { k3: "the other device's" } });
    expect(newer.sync.getState()).toMatchObject({ status: 'conflict', conflict: { reason: 'server-newer' } });
  });

  it("an older release that takes an emptied store over for another account leaves the previous account's values of keys it cannot see to a conflict, never a push (seed 1250 of npm run sim)", async () => {
    const alice = { current: fakeToken(['sync_tenure'], 'alice') as string | null };
    const bob = { current: fakeToken(['sync_tenure'], 'bob') as string | null };
    const newerRelease = (storage: Storage) => keyPrefixAdapter({ keys: ['k1', 'k2', 'k3'], storage });
    const device = testDevice();
    const first = openTab({ server, device, token: alice, adapter: newerRelease });
    first.write({ k1: "alice's", k3: "alice's secret" });
    await first.sync.start();
    first.sync.stop();
    device.storage.removeItem('k1');

    const old = openTab({ server, device, token: bob, adapter: olderRelease });
    await old.sync.start();
    expect(old.sync.getState()).toMatchObject({ status: 'synced' });
    const newer = openTab({ server, device, token: bob, adapter: newerRelease });
    await newer.sync.start();
    expect(newer.sync.getState()).toMatchObject({ status: 'conflict', conflict: { reason: 'other-account' } });
    expect(server.current('tenure', 'bob')).toBeUndefined();

    await newer.sync.resolveConflict('use-server');
    expect(device.storage.getItem('k3')).toBeNull();
    expect(await newer.sync.listBackups()).toEqual([]);
    newer.sync.stop();
    const back = openTab({ server, device, token: alice, adapter: newerRelease });
    expect((await back.sync.listBackups()).map((b) => b.data)).toEqual([{ k3: "alice's secret" }]);
  });

  it('after a reload the older release still carries the keys it does not own', async () => {
    await server.seed('tenure', data({ k1: 'a', k3: 'new' }));
    const device = testDevice();
    const first = openTab({ server, device, adapter: olderRelease });
    await first.sync.start();
    first.sync.stop();
    device.storage.setItem('k2', 'added while closed');
    const again = openTab({ server, device, adapter: olderRelease });
    await again.sync.start();
    expect(server.current('tenure')?.data).toEqual({ k1: 'a', k2: 'added while closed', k3: 'new' });
  });
});

describe('a key removed while a check runs is a deletion, never carried (DESIGN §7.3)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('pushes the removal of a key the app removed while a check adopted the version it already held', async () => {
    const tab = await syncedTab(server, { t_a: '1', t_b: '1' });
    server.onRequest = (request) => {
      if (request.path.endsWith('/meta')) tab.device.storage.removeItem('t_b');
    };
    await tab.sync.syncNow();
    server.onRequest = undefined;
    tab.sync.notifyChanged();
    await tab.sync.syncNow();
    expect(server.current('tenure')).toMatchObject({ record: { version: 2 }, data: { t_a: '1' } });
    expect(tab.device.storage.getItem('t_b')).toBeNull();
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });
});
