import type { SyncManager } from '../core/sync-manager.js';

/**
 * Calls `onChange` whenever the value of `key` may have changed under the app: another tab wrote it
 * (a `storage` event, also for `clear()`), or the SDK replaced it (pull, "Use server data", restore,
 * backup; `manager.onReplace`). Read the key again in `onChange`. The framework bindings
 * (`createSyncedKey` in taco-sync/solid, `useSyncedKey` in taco-sync/react) are built on it; a
 * vanilla app can use it directly.
 *
 * While it watches it keeps an `onReplace` listener registered, which tells the manager that the app
 * re-reads replaced data (DESIGN §7.4). Stop watching (call the returned function) when the app no
 * longer shows the key, so the manager's protection for apps without a listener applies again.
 *
 * @param manager - The manager that syncs `key`.
 * @param key - The localStorage key to watch.
 * @param onChange - Called with no arguments; read the key again in it.
 * @param storage - The storage the key lives in (default `localStorage`): only its `storage` events count.
 * @returns Stops watching.
 *
 * @example
 * const stop = watchSyncedKey(manager, 'todos', () => render(JSON.parse(localStorage.getItem('todos') ?? '[]')));
 */
export function watchSyncedKey(manager: SyncManager, key: string, onChange: () => void, storage?: Storage): () => void {
  const area = storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const onStorage = (event: StorageEvent): void => {
    if (event.storageArea === area && (event.key === key || event.key === null)) onChange();
  };
  const target = typeof window === 'undefined' ? null : window;
  target?.addEventListener('storage', onStorage);
  const unregister = manager.onReplace(({ keys }) => {
    if (keys.includes(key)) onChange();
  });
  return () => {
    target?.removeEventListener('storage', onStorage);
    unregister();
  };
}
