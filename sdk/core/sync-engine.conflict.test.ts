import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { FakeSyncServer, openTab, useFakeTime, type TestTab } from '../test-support/sync-harness.js';

const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

describe('whole-data conflicts (merge: false) and their resolution', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  /** This device synced v1, then another device pushed v2 and this one changed its data. */
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = openTab({ server, extra: { merge: false } });
    tab.write({ t_same: 's', t_edit: 'v1', t_gone: 'g' });
    await tab.sync.start();
    await server.seed('tenure', data({ t_same: 's', t_edit: 'server', t_gone: 'g', t_theirs: 'x' }));
    tab.device.storage.removeItem('t_gone');
    tab.write({ t_edit: 'local', t_mine: 'm' });
    tab.platform.emit('blur');
    await tab.sync.idle();
  });
  afterEach(() => void vi.useRealTimers());

  it('raises a push-rejected conflict that lists added, removed and changed keys', () => {
    expect(tab.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: {
        reason: 'push-rejected',
        localVersion: 1,
        serverVersion: 2,
        serverDeviceId: 'other-device',
        diff: { added: ['t_mine'], removed: ['t_gone', 't_theirs'], changed: ['t_edit'] },
      },
    });
  });

  it('does not retry the push while the conflict waits for the user', async () => {
    const before = server.requests.length;
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(60_000);
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.requests.length).toBe(before);
  });

  it('keep-local pushes the local data with the reported server version (compare-and-swap)', async () => {
    await tab.sync.resolveConflict('keep-local');
    const push = server.requests.at(-1);
    expect(push?.body).toMatchObject({ version: 2, data: { t_edit: 'local', t_mine: 'm' } });
    expect(server.current('tenure')?.record.version).toBe(3);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(tab.sync.getState().conflict).toBeUndefined();
  });

  it('keep-local conflicts again, with fresh info, when a third device pushed meanwhile', async () => {
    await server.seed('tenure', data({ t_edit: 'third' }), 'third-device');
    await tab.sync.resolveConflict('keep-local');
    expect(tab.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { serverVersion: 3, serverDeviceId: 'third-device' },
    });
    expect(server.current('tenure')?.data.t_edit).toBe('third');
  });

  it("use-server pulls the server's current data, backs up the local data, then applies it", async () => {
    const requestsBefore = server.requests.length;
    await tab.sync.resolveConflict('use-server');
    expect(tab.device.storage.dump()).toEqual([
      ['t_edit', 'server'],
      ['t_gone', 'g'],
      ['t_same', 's'],
      ['t_theirs', 'x'],
    ]);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2, pendingSince: null });
    expect(server.log().slice(requestsBefore)).toEqual(['GET /pull']);
    const [backup] = await tab.sync.listBackups();
    expect(backup).toMatchObject({ app: 'tenure', reason: 'use-server', baseVersion: 1 });
    expect({ ...backup?.data }).toEqual({ t_same: 's', t_edit: 'local', t_mine: 'm' });
  });

  it('restores a backup locally, and it then syncs like any local change', async () => {
    await tab.sync.resolveConflict('use-server');
    const [backup] = await tab.sync.listBackups();
    await tab.sync.restoreBackup(backup!.id);
    expect(tab.device.storage.dump()).toEqual([
      ['t_edit', 'local'],
      ['t_mine', 'm'],
      ['t_same', 's'],
    ]);
    expect(tab.sync.getState().status).toBe('pending');
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: { t_edit: 'local', t_mine: 'm' } });
    expect((await tab.sync.listBackups()).map((b) => b.reason)).toEqual(['backup', 'use-server']);
  });

  it('rejects resolveConflict when there is no conflict', async () => {
    await tab.sync.resolveConflict('use-server');
    await expect(tab.sync.resolveConflict('keep-local')).rejects.toMatchObject({ code: 'LOCAL' });
  });

  it('adopts the server version silently when a rejected push held the same data as the server', async () => {
    const other = new FakeSyncServer();
    const twin = openTab({ server: other });
    twin.write({ t_a: '1' });
    await twin.sync.start();
    await other.seed('tenure', data({ t_a: '2' }), 'other-device');
    twin.write({ t_a: '2' });
    twin.platform.emit('blur');
    await twin.sync.idle();
    expect(twin.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    expect(other.log().slice(-2)).toEqual(['POST /push', 'GET /meta']);
  });
});

describe('restore(version)', () => {
  beforeEach(() => void useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it('backs up local data, pushes the kept version as the newest one and applies it locally', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    tab.write({ t_a: 'v2' });
    await tab.sync.syncNow();
    expect(await tab.sync.listVersions()).toEqual([1, 2]);

    await tab.sync.restore(1);
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: { t_a: 'v1' } });
    expect(server.requests.at(-1)?.body).toMatchObject({ version: 2 });
    expect(tab.device.storage.getItem('t_a')).toBe('v1');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect((await tab.sync.listBackups())[0]).toMatchObject({ reason: 'restore', data: { t_a: 'v2' } });
  });

  it('backs up edits the app makes while restore(v) talks to the server', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    server.onRequest = (request) => {
      if (request.path.includes('/history/')) tab.write({ t_x: 'typed during the restore' });
    };
    await tab.sync.restore(1);
    expect((await tab.sync.listBackups())[0]).toMatchObject({
      reason: 'restore',
      data: { t_a: 'v1', t_x: 'typed during the restore' },
    });
  });

  it('rejects with the typed error and leaves the state as it was when the version is not kept', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    await expect(tab.sync.restore(9)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1, error: { code: 'NOT_FOUND' } });
    expect(tab.device.storage.getItem('t_a')).toBe('v1');
  });

  it('goes back to the state it found when it fails, not to a sync that was running when it was called (seed 1142 of npm run sim)', async () => {
    const server = new FakeSyncServer();
    const tab = openTab({ server });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    let restoring: Promise<unknown> | undefined;
    server.onRequest = (request) => {
      if (!request.path.endsWith('/push') || restoring) return;
      expect(tab.sync.getState().status).toBe('syncing');
      restoring = tab.sync.restore(9).catch((error: unknown) => error);
    };
    tab.write({ t_a: 'v2' });
    tab.platform.emit('blur');
    await tab.sync.idle();

    expect(await restoring).toMatchObject({ code: 'NOT_FOUND' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2, error: { code: 'NOT_FOUND' } });
  });
});
