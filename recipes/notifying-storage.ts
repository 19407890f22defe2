import type { SyncManager } from 'taco-sync';

/**
 * localStorage as the state libraries' persist layers want it (`getItem` / `setItem` /
 * `removeItem`), telling the manager after each write that changes a value: the app's "where it
 * saves" for `notifyChanged()`, whenever the library decides to write.
 */
export function notifyingStorage(sync: SyncManager, storage: Storage = localStorage) {
  return {
    getItem: (key: string): string | null => storage.getItem(key),
    setItem(key: string, value: string): void {
      // Libraries write back what they just read (a rehydration): that is no change.
      if (storage.getItem(key) === value) return;
      storage.setItem(key, value);
      sync.notifyChanged();
    },
    removeItem(key: string): void {
      storage.removeItem(key);
      sync.notifyChanged();
    },
  };
}
