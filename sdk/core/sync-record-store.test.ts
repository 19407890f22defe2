import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { checksum, snapshotFromEntries } from '../contract/index.js';
import type { LocalBackup } from './sync-manager.js';
import { idbSyncRecordStore } from '../platform/idb-record-store.js';
import { BACKUPS_KEPT, memorySyncRecordStore, NEVER_SYNCED } from './sync-record-store.js';

const backup = async (n: number): Promise<LocalBackup> => {
  const data = snapshotFromEntries([['k', String(n)]]);
  return {
    id: `b${n}`,
    app: 'tenure',
    createdAt: new Date(n * 1000).toISOString(),
    reason: 'use-server',
    owner: 'user-1',
    baseVersion: n,
    checksum: await checksum(data),
    data,
  };
};

describe.each([
  ['IndexedDB (idb-keyval)', idbSyncRecordStore],
  ['memory', memorySyncRecordStore],
])('%s sync record store', (_name, make) => {
  it('reads a never-synced record for an unknown app', async () => {
    expect(await make().getRecord(`unknown-${Math.random()}`, 'user-1')).toEqual(NEVER_SYNCED);
  });

  it('keeps a record per app and account', async () => {
    const store = make();
    const record = {
      baseVersion: 3,
      lastSyncedChecksum: await checksum({}),
      lastSyncedAt: '2026-11-01T00:00:00.000Z',
      pendingSince: null,
    };
    await store.setRecord('tenure', 'user-1', record);
    expect(await store.getRecord('tenure', 'user-1')).toEqual(record);
    expect(await store.getRecord('tempo', 'user-1')).toEqual(NEVER_SYNCED);
    expect(await store.getRecord('tenure', 'user-2')).toEqual(NEVER_SYNCED);
  });

  it('removes a record when set to null (forget)', async () => {
    const store = make();
    await store.setRecord('tenure', 'user-1', { ...NEVER_SYNCED, baseVersion: 2 });
    await store.setRecord('tenure', 'user-1', null);
    expect(await store.getRecord('tenure', 'user-1')).toEqual(NEVER_SYNCED);
  });

  it('keeps which account the local data of an app belongs to', async () => {
    const store = make();
    expect(await store.getOwner('owner-app')).toBeNull();
    await store.setOwner('owner-app', 'user-2');
    expect(await store.getOwner('owner-app')).toBe('user-2');
  });

  it("lists an account's backups only to that account", async () => {
    const store = make();
    await store.addBackup({ ...(await backup(1)), app: 'shared-profile', owner: 'user-a' });
    expect(await store.listBackups('shared-profile', 'user-a')).toHaveLength(1);
    expect(await store.listBackups('shared-profile', 'user-b')).toEqual([]);
  });

  it('creates the device id once and then keeps it', async () => {
    const store = make();
    const first = await store.deviceId(() => 'first-id');
    expect(await store.deviceId(() => 'second-id')).toBe(first);
  });

  it('lists backups newest first and keeps a bounded number', async () => {
    const store = make();
    for (let n = 1; n <= BACKUPS_KEPT + 3; n++) await store.addBackup(await backup(n));
    const list = await store.listBackups('tenure', 'user-1');
    expect(list).toHaveLength(BACKUPS_KEPT);
    expect(list[0]?.id).toBe(`b${BACKUPS_KEPT + 3}`);
    expect(list.at(-1)?.id).toBe('b4');
  });
});

describe('idbSyncRecordStore', () => {
  it('survives a reload: a new instance reads what the old one wrote', async () => {
    await idbSyncRecordStore().setRecord('reload-app', 'user-1', {
      ...NEVER_SYNCED,
      pendingSince: '2026-11-01T00:00:00.000Z',
    });
    expect((await idbSyncRecordStore().getRecord('reload-app', 'user-1')).pendingSince).toBe(
      '2026-11-01T00:00:00.000Z',
    );
  });

  it('reads a malformed record as never synced', async () => {
    await set(
      JSON.stringify(['record', 'broken', 'user-1']),
      { baseVersion: -1, lastSyncedChecksum: 'nope' },
      createStore('taco-sync', 'state'),
    );
    expect(await idbSyncRecordStore().getRecord('broken', 'user-1')).toEqual(NEVER_SYNCED);
  });

  it('keeps the unconfirmed pushes of a record, and reads a record with malformed ones as never synced', async () => {
    const sum = 'a'.repeat(64);
    const record = {
      ...NEVER_SYNCED,
      baseVersion: 2,
      lastSyncedChecksum: sum,
      unconfirmed: [{ version: 2, checksum: sum }],
    };
    await idbSyncRecordStore().setRecord('unconfirmed', 'user-1', record);
    expect(await idbSyncRecordStore().getRecord('unconfirmed', 'user-1')).toEqual(record);
    await set(
      JSON.stringify(['record', 'unconfirmed-broken', 'user-1']),
      { ...record, unconfirmed: [{ version: 2 }] },
      createStore('taco-sync', 'state'),
    );
    expect(await idbSyncRecordStore().getRecord('unconfirmed-broken', 'user-1')).toEqual(NEVER_SYNCED);
  });
});
