import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { SyncManager } from '../core/sync-manager.js';
import { watchSyncedKey } from '../elements/synced-key.js';

/**
 * A Solid accessor of a synced localStorage key's current value (null when absent), so a component
 * never holds a stale copy: every call reads the storage, and computations that read it rerun when
 * another tab writes the key (`storage` event) and right after the SDK replaced it (`onReplace`:
 * pull, "Use server data", restore, backup).
 *
 * While its owner (component, `createRoot`) lives, it keeps an `onReplace` listener registered: the
 * app's word that it re-reads replaced keys (DESIGN §7.4). So derive what you keep in memory from it
 * (for example `createEffect(on(raw, (text) => setTodos(reconcile(parse(text)))))`), and read every
 * synced key your app holds in memory through one. Save with `writeSyncedKey` (taco-sync/elements):
 * it writes, reruns this tab's readers and calls `manager.notifyChanged()`.
 *
 * @param manager - The manager that syncs `key`.
 * @param key - The localStorage key.
 * @param storage - Where the key lives (default `localStorage`); tests pass their own.
 * @returns An accessor of the value; null without a storage (server rendering).
 *
 * @example
 * const todosText = createSyncedKey(manager, 'todos');
 * const todos = () => JSON.parse(todosText() ?? '[]') as Todo[];
 */
export function createSyncedKey(manager: SyncManager, key: string, storage?: Storage): Accessor<string | null> {
  const area = storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  // The value lives in the storage, not in the signal: the signal only says "read again", every time.
  const [changed, notify] = createSignal(undefined, { equals: false });
  onCleanup(watchSyncedKey(manager, key, () => notify(), area));
  return () => {
    changed();
    return area?.getItem(key) ?? null;
  };
}
