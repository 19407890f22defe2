import { snapshotFromEntries, type Snapshot } from '../contract/index.js';
import { ApplyError, StorageQuotaError } from '../core/errors.js';
import type { StorageAdapter } from './storage-adapter.js';

/** Which localStorage keys {@link keyPrefixAdapter} syncs. */
export interface KeyPrefixOptions {
  /** Exact keys. */
  keys?: readonly string[];
  /** Key prefixes: every key starting with one of them. */
  prefixes?: readonly string[];
  /** The store to read and write; `localStorage` by default. */
  storage?: Storage;
}

const isQuotaError = (error: unknown): boolean =>
  error instanceof DOMException && (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED');

/**
 * The standard {@link StorageAdapter}: syncs the localStorage keys listed in `keys` or starting with
 * one of `prefixes`.
 *
 * `apply` writes only the keys that differ and removes owned keys missing from the snapshot. If any
 * write throws, every key it touched is put back and a `StorageQuotaError` (for QuotaExceededError)
 * or `ApplyError` is thrown. On success it dispatches a `storage` event on `window` for each changed
 * key, so stores that listen for other tabs' writes refresh in this tab too.
 *
 * @example
 * const adapter = keyPrefixAdapter({ keys: ['todo_list'], prefixes: ['todo_item_'] });
 */
export function keyPrefixAdapter(options: KeyPrefixOptions): StorageAdapter {
  const keys = new Set(options.keys);
  const prefixes = options.prefixes ?? [];
  const store = (): Storage => options.storage ?? localStorage;
  const owns = (key: string): boolean => keys.has(key) || prefixes.some((prefix) => key.startsWith(prefix));

  const ownedKeys = (storage: Storage): string[] => {
    const found: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null && owns(key)) found.push(key);
    }
    return found;
  };

  return {
    owns,
    collect() {
      const storage = store();
      return snapshotFromEntries(ownedKeys(storage).map((key) => [key, storage.getItem(key) ?? ''] as const));
    },
    apply(snapshot: Snapshot) {
      const storage = store();
      const writes = new Map<string, string | null>();
      for (const key of ownedKeys(storage)) if (!Object.hasOwn(snapshot, key)) writes.set(key, null);
      for (const key of Object.keys(snapshot))
        if (owns(key) && storage.getItem(key) !== snapshot[key]) writes.set(key, snapshot[key]!);

      const touched: [key: string, oldValue: string | null, newValue: string | null][] = [];
      try {
        for (const [key, newValue] of writes) {
          // Recorded before the write: a throwing setItem may still have changed the key.
          touched.push([key, storage.getItem(key), newValue]);
          if (newValue === null) storage.removeItem(key);
          else storage.setItem(key, newValue);
        }
      } catch (error) {
        for (const [key, oldValue] of touched.reverse()) {
          // In reverse, so the store passes only through states it already held: none is over the quota.
          if (oldValue === null) storage.removeItem(key);
          else storage.setItem(key, oldValue);
        }
        throw new (isQuotaError(error) ? StorageQuotaError : ApplyError)('LOCAL', `Nothing written: ${String(error)}`);
      }
      for (const [key, oldValue, newValue] of touched) {
        window.dispatchEvent(
          new StorageEvent('storage', { key, oldValue, newValue, storageArea: storage, url: location.href }),
        );
      }
    },
  };
}
