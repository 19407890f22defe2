import { createStore, get, update, type UseStore } from 'idb-keyval';
import { syncRecordStore, type SyncRecordStore } from '../core/sync-record-store.js';

/**
 * The browser's {@link SyncRecordStore}: IndexedDB database `taco-sync`, object store `state`,
 * through idb-keyval. The database opens on first use.
 */
export function idbSyncRecordStore(): SyncRecordStore {
  let store: UseStore | undefined;
  const use = (): UseStore => (store ??= createStore('taco-sync', 'state'));
  return syncRecordStore({ get: (key) => get(key, use()), update: (key, updater) => update(key, updater, use()) });
}
