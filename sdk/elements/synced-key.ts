import type { SyncManager } from '../core/sync-manager.js';

type Reader = { key: string; area: Storage | undefined; onChange: () => void };

// Readers in this tab: a write made here fires no `storage` event here, so writeSyncedKey tells them.
const readers = new Set<Reader>();

const defaultStorage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

/**
 * Calls `onChange` whenever the value of `key` may have changed under the app: another tab wrote it
 * (a `storage` event, also for `clear()`), this tab wrote it with {@link writeSyncedKey}, or the SDK
 * replaced it (pull, "Use server data", restore, backup; `manager.onReplace`). Read the key again in
 * `onChange`. The framework bindings (`createSyncedKey` in taco-sync/solid, `useSyncedKey` in
 * taco-sync/react) are built on it; a vanilla app can use it directly.
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
  const reader: Reader = { key, area: storage ?? defaultStorage(), onChange };
  const onStorage = (event: StorageEvent): void => {
    if (event.storageArea === reader.area && (event.key === key || event.key === null)) onChange();
  };
  const target = typeof window === 'undefined' ? null : window;
  target?.addEventListener('storage', onStorage);
  readers.add(reader);
  const unregister = manager.onReplace(({ keys }) => {
    if (keys.includes(key)) onChange();
  });
  return () => {
    target?.removeEventListener('storage', onStorage);
    readers.delete(reader);
    unregister();
  };
}

/**
 * The app's word, given before `manager.start()`, that it holds synced data in memory only through
 * readers ({@link watchSyncedKey}, `createSyncedKey`, `useSyncedKey`): a reader re-reads a replaced
 * key while it watches, and one created later reads the current value. So a replacement made while
 * no reader watches needs no page reload, such as the pull of a `start()` the app awaits before its
 * first render: without this, that pull finds no `onReplace` listener (components register theirs
 * when they mount) and, by default (`withoutReplaceListener: 'reload'`), reloads the page. Give it
 * only if the app keeps no other copy (a store filled from localStorage at import keeps one: re-read
 * it in an `onReplace` listener of its own). DESIGN §7.4.
 *
 * @param manager - The manager whose synced keys the app reads through readers.
 * @returns Withdraws the word: the manager protects the app as one without a listener again.
 *
 * @example
 * readThroughSyncedKeys(sync);
 * await sync.start();
 * createRoot(document.getElementById('root')!).render(<App />); // reads with useSyncedKey(sync, 'todos')
 */
export function readThroughSyncedKeys(manager: SyncManager): () => void {
  // Readers that watch re-read through their own listeners; this one keeps the word while none does.
  return manager.onReplace(noop);
}

const noop = (): void => {};

/**
 * Saves a synced key the way the SDK expects: writes `value` to the storage (null removes the key),
 * tells this tab's readers of the key ({@link watchSyncedKey}, `createSyncedKey`, `useSyncedKey`;
 * the browser sends `storage` events only to other tabs), then calls `manager.notifyChanged()`.
 *
 * @param manager - The manager that syncs `key`.
 * @param key - The localStorage key.
 * @param value - The new value, or null to remove the key.
 * @param storage - Where the key lives (default `localStorage`).
 * @throws What `setItem` throws, such as a `QuotaExceededError` when the storage is full; nothing is
 *   announced then.
 *
 * @example
 * writeSyncedKey(manager, 'todos', JSON.stringify([...todos, { title: 'Buy milk', done: false }]));
 */
export function writeSyncedKey(manager: SyncManager, key: string, value: string | null, storage?: Storage): void {
  const area = storage ?? defaultStorage();
  if (!area) return;
  if (value === null) area.removeItem(key);
  else area.setItem(key, value);
  for (const reader of [...readers]) if (reader.key === key && reader.area === area) reader.onChange();
  manager.notifyChanged();
}
