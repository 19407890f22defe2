import { createStore, get, update, type UseStore } from 'idb-keyval';
import { fallbackKeyValueStore } from '../core/fallback-key-value-store.js';
import { syncRecordStore, type SyncRecordStore } from '../core/sync-record-store.js';

/**
 * The browser's {@link SyncRecordStore}: IndexedDB database `taco-sync`, object store `state`,
 * through idb-keyval. The database opens on first use. When IndexedDB fails (full, closed, blocked
 * or missing), the store keeps this page's values in memory and tells `onProblem`, so sync goes on.
 */
export function idbSyncRecordStore(onProblem: (error: unknown) => void = () => {}): SyncRecordStore {
  let store: UseStore | undefined;
  const use = (): UseStore => (store ??= createStore('taco-sync', 'state'));
  const records = syncRecordStore(
    fallbackKeyValueStore(
      { get: async (key) => get(key, use()), update: async (key, updater) => update(key, updater, use()) },
      (error) => onProblem(error),
    ),
  );
  return records;
}
