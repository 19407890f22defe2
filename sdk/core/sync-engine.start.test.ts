import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyPrefixAdapter } from '../adapters/key-prefix.js';
import { AWKWARD_SNAPSHOT } from '../contract/awkward.fixture.js';
import { checksum, snapshotFromEntries } from '../contract/index.js';
import { FakeSyncServer, openTab, testDevice, useFakeTime, type TestDevice } from '../test-support/sync-harness.js';

const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

/** A device that synced `entries` as the server's version 1, its manager stopped (the page closed). */
async function syncedDevice(server: FakeSyncServer, entries: Record<string, string>): Promise<TestDevice> {
  const device = testDevice();
  const tab = openTab({ server, device });
  tab.write(entries);
  await tab.sync.start();
  tab.sync.stop();
  return device;
}

describe('start flow', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('pushes a non-empty snapshot as version 1 when nothing is on the server', async () => {
    const tab = openTab({ server });
    tab.write({ t_a: '1' });
    await tab.sync.start();
    expect(server.log()).toEqual(['GET /meta', 'POST /push']);
    expect(server.current('tenure')?.record.version).toBe(1);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1, pendingSince: null });
  });

  it('sends nothing but the meta request when the server and the device are both empty', async () => {
    const tab = openTab({ server });
    await tab.sync.start();
    expect(server.log()).toEqual(['GET /meta']);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 0 });
  });

  it('is synced after one meta request when the version is the same and nothing changed', async () => {
    const device = await syncedDevice(server, { t_a: '1' });
    const again = openTab({ server, device });
    await again.sync.start();
    expect(server.log().slice(2)).toEqual(['GET /meta']);
    expect(again.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });

  it('pulls and applies a newer server version when there are no local changes', async () => {
    const device = await syncedDevice(server, { t_a: '1' });
    await server.seed('tenure', data({ t_a: '2', t_b: 'new' }));
    const events: string[] = [];
    const onStorage = (e: StorageEvent): void => void events.push(`${e.key}=${e.newValue}`);
    window.addEventListener('storage', onStorage);
    const again = openTab({ server, device });
    await again.sync.start();
    window.removeEventListener('storage', onStorage);
    expect(device.storage.dump()).toEqual([
      ['t_a', '2'],
      ['t_b', 'new'],
    ]);
    expect(events.sort()).toEqual(['t_a=2', 't_b=new']);
    expect(again.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('backs up the keys a pull deletes, and only then', async () => {
    const device = await syncedDevice(server, { t_a: '1', t_b: 'kept' });
    await server.seed('tenure', data({ t_a: '2', t_b: 'kept' }));
    const first = openTab({ server, device });
    await first.sync.start();
    expect(await first.sync.listBackups()).toEqual([]);
    first.sync.stop();

    await server.seed('tenure', data({}));
    const second = openTab({ server, device });
    await second.sync.start();
    expect(device.storage.dump()).toEqual([]);
    const backups = await second.sync.listBackups();
    expect(backups.map((b) => [b.reason, { ...b.data }])).toEqual([['pull', { t_a: '2', t_b: 'kept' }]]);
  });

  it('raises a server-newer conflict, never overwriting, when the server is newer and there are local changes', async () => {
    const device = await syncedDevice(server, { t_a: '1' });
    await server.seed('tenure', data({ t_a: 'server' }));
    device.storage.setItem('t_a', 'local');
    const again = openTab({ server, device });
    await again.sync.start();
    expect(again.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { reason: 'server-newer', localVersion: 1, serverVersion: 2 },
    });
    expect(device.storage.getItem('t_a')).toBe('local');
    expect(server.current('tenure')?.data.t_a).toBe('server');
  });

  it('pushes local changes made while no manager ran when the server version is the same', async () => {
    const device = await syncedDevice(server, { t_a: '1' });
    device.storage.setItem('t_a', 'edited offline-of-sync');
    const again = openTab({ server, device });
    await again.sync.start();
    expect(server.log().slice(2)).toEqual(['GET /meta', 'POST /push']);
    expect(server.current('tenure')?.data.t_a).toBe('edited offline-of-sync');
  });

  it('raises a server-behind conflict when the server holds data older than this device', async () => {
    const device = testDevice();
    const first = openTab({ server, device });
    first.write({ t_a: '1' });
    await first.sync.start();
    first.write({ t_a: '2' });
    await first.sync.syncNow();
    first.sync.stop();
    server.reset('tenure');
    await server.seed('tenure', data({ t_a: 'restored bucket' }));
    const again = openTab({ server, device });
    await again.sync.start();
    expect(again.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { reason: 'server-behind', localVersion: 2, serverVersion: 1 },
    });
    expect(device.storage.getItem('t_a')).toBe('2');
  });

  it('raises a server-behind conflict when the bucket was reset and another device pushed the same version number', async () => {
    const device = await syncedDevice(server, { t_a: '1' });
    server.reset('tenure');
    await server.seed('tenure', data({ t_other: 'other device data' }));
    device.storage.setItem('t_a', '2');
    server.requests.length = 0;
    const again = openTab({ server, device });
    await again.sync.start();
    // The pull since v1 answers a patch against the new v1, whose checksum is not this device's base: one full pull instead (DESIGN §9).
    expect(server.log()).toEqual(['GET /meta', 'GET /pull', 'GET /pull']);
    expect(server.requests.map((r) => r.since)).toEqual([undefined, 1, undefined]);
    expect(again.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { reason: 'server-behind', serverVersion: 1 },
    });
    expect(server.current('tenure')?.data).toEqual({ t_other: 'other device data' });
  });

  it.each([
    ['merges it with the pull', true],
    ['raises a conflict with merge: false', false],
  ])('never overwrites an edit made while a pull backs up the keys it deletes: %s', async (_, merge) => {
    const device = await syncedDevice(server, { t_a: '1', t_b: 'b' });
    await server.seed('tenure', data({ t_a: '1' }));
    const records = device.records;
    const writingDuringBackup = {
      ...records,
      addBackup: async (backup: Parameters<typeof records.addBackup>[0]) => {
        await records.addBackup(backup);
        device.storage.setItem('t_new', 'typed during the backup');
      },
    };
    const again = openTab({ server, device: { ...device, records: writingDuringBackup }, extra: { merge } });
    await again.sync.start();
    expect(device.storage.getItem('t_new')).toBe('typed during the backup');
    if (!merge)
      return expect(again.sync.getState()).toMatchObject({
        status: 'conflict',
        conflict: { reason: 'server-newer', diff: { added: ['t_b', 't_new'] } },
      });
    expect(device.storage.dump()).toEqual([
      ['t_a', '1'],
      ['t_new', 'typed during the backup'],
    ]);
    expect(server.current('tenure')).toMatchObject({
      record: { version: 3 },
      data: { t_a: '1', t_new: 'typed during the backup' },
    });
    expect(again.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it('adopts the server version without a conflict when a never-synced device holds the same data', async () => {
    await server.seed('tenure', data({ t_a: 'same' }));
    const tab = openTab({ server });
    tab.write({ t_a: 'same' });
    await tab.sync.start();
    expect(server.log()).toEqual(['GET /meta']);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });

  it('pulls into an empty never-synced device', async () => {
    await server.seed('tenure', data({ t_a: 'from cloud' }));
    const tab = openTab({ server });
    await tab.sync.start();
    expect(tab.device.storage.getItem('t_a')).toBe('from cloud');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });

  it('raises a first-sync conflict, wiping nothing, when a never-synced device holds different data', async () => {
    await server.seed('tenure', data({ t_a: 'cloud', t_c: 'only on server' }));
    const tab = openTab({ server });
    tab.write({ t_a: 'mine', t_b: 'only here' });
    await tab.sync.start();
    expect(tab.sync.getState().conflict).toMatchObject({
      reason: 'first-sync',
      localVersion: 0,
      serverVersion: 1,
      serverModified: server.current('tenure')?.record.lastModified,
      serverDeviceId: 'other-device',
      diff: { added: ['t_b'], removed: ['t_c'], changed: ['t_a'] },
      local: { keys: 2, bytes: 32, deviceName: 'Test device' },
      server: { keys: 2, bytes: 38, modifiedAt: server.current('tenure')?.record.lastModified },
      values: [
        { key: 't_a', local: 'mine', server: 'cloud' },
        { key: 't_b', local: 'only here', server: null },
        { key: 't_c', local: null, server: 'only on server' },
      ],
    });
    expect(tab.device.storage.dump()).toEqual([
      ['t_a', 'mine'],
      ['t_b', 'only here'],
    ]);
  });

  it('keeps awkward keys (__proto__, "10", emoji) unchanged through collect, push, pull and apply', async () => {
    const keys = Object.keys(AWKWARD_SNAPSHOT);
    const adapter = (storage: Storage) => keyPrefixAdapter({ keys, storage });
    const sender = openTab({ server, adapter, device: testDevice('device-a') });
    for (const key of keys) sender.device.storage.setItem(key, AWKWARD_SNAPSHOT[key]!);
    await sender.sync.start();
    expect(server.current('tenure')?.record.checksum).toBe(await checksum(AWKWARD_SNAPSHOT));

    const receiver = openTab({ server, adapter, device: testDevice('device-b') });
    await receiver.sync.start();
    expect(receiver.device.storage.dump()).toEqual(sender.device.storage.dump());
    expect(receiver.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });
});
