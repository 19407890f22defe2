import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { checksum, snapshotFromEntries } from '../contract/index.js';
import type { LocalBackup } from './sync-manager.js';
import { idbSyncRecordStore } from '../platform/idb-record-store.js';
import { BACKUPS_KEPT, memorySyncRecordStore, NEVER_SYNCED } from './sync-record-store.js';

const backup = async (n: number): Promise<LocalBackup> => {
  const data = snapshotFromEntries([['k', String(n)]]);
  return { id: `b${n}`, app: 'tenure', createdAt: new Date(n * 1000).toISOString(), reason: 'use-server', owner: 'user-1', baseVersion: n, checksum: await checksum(data), data };
};

describe.each([
  ['IndexedDB (idb-keyval)', idbSyncRecordStore],
  ['memory', memorySyncRecordStore],
])('%s sync record store', (_name, make) => {
  it('reads a never-synced record for an unknown app', async () => {
    expect(await make().getRecord(`unknown-${Math.random()}`)).toEqual(NEVER_SYNCED);
  });

  it('keeps a record per app across store instances', async () => {
    const store = make();
    const record = { baseVersion: 3, lastSyncedChecksum: await checksum({}), lastSyncedAt: '2026-11-01T00:00:00.000Z', pendingSince: null };
    await store.setRecord('tenure', record);
    expect(await store.getRecord('tenure')).toEqual(record);
    expect(await store.getRecord('tempo')).toEqual(NEVER_SYNCED);
  });

  it('creates the device id once and then keeps it', async () => {
    const store = make();
    const first = await store.deviceId(() => 'first-id');
    expect(await store.deviceId(() => 'second-id')).toBe(first);
  });

  it('lists backups newest first and keeps a bounded number', async () => {
    const store = make();
    for (let n = 1; n <= BACKUPS_KEPT + 3; n++) await store.addBackup(await backup(n));
    const list = await store.listBackups('tenure');
    expect(list).toHaveLength(BACKUPS_KEPT);
    expect(list[0]?.id).toBe(`b${BACKUPS_KEPT + 3}`);
    expect(list.at(-1)?.id).toBe('b4');
  });
});

describe('idbSyncRecordStore', () => {
  it('survives a reload: a new instance reads what the old one wrote', async () => {
    await idbSyncRecordStore().setRecord('reload-app', { ...NEVER_SYNCED, pendingSince: '2026-11-01T00:00:00.000Z' });
    expect((await idbSyncRecordStore().getRecord('reload-app')).pendingSince).toBe('2026-11-01T00:00:00.000Z');
  });

  it('reads a malformed record as never synced', async () => {
    await set('record:broken', { baseVersion: -1, lastSyncedChecksum: 'nope' }, createStore('taco-sync', 'state'));
    expect(await idbSyncRecordStore().getRecord('broken')).toEqual(NEVER_SYNCED);
  });

  it('keeps the unconfirmed pushes of a record, and reads a record with malformed ones as never synced', async () => {
    const sum = 'a'.repeat(64);
    const record = { ...NEVER_SYNCED, baseVersion: 2, lastSyncedChecksum: sum, unconfirmed: [{ version: 2, checksum: sum }] };
    await idbSyncRecordStore().setRecord('unconfirmed', record);
    expect(await idbSyncRecordStore().getRecord('unconfirmed')).toEqual(record);
    await set('record:unconfirmed-broken', { ...record, unconfirmed: [{ version: 2 }] }, createStore('taco-sync', 'state'));
    expect(await idbSyncRecordStore().getRecord('unconfirmed-broken')).toEqual(NEVER_SYNCED);
  });
});
