import { useCallback, useSyncExternalStore } from 'react';
import type { SyncManager } from '../core/sync-manager.js';
import { watchSyncedKey } from '../elements/synced-key.js';

/**
 * The current value of a synced localStorage key (null when absent), so a component never holds a
 * stale copy. Built on `useSyncExternalStore`: the value is read from the storage on every render,
 * and the component re-renders when another tab writes the key (`storage` event) and right after the
 * SDK replaced it (`onReplace`: pull, "Use server data", restore, backup). On the server, and while
 * hydrating, it is null.
 *
 * While the component is mounted it keeps an `onReplace` listener registered: the app's word that it
 * re-reads replaced keys (DESIGN §7.4). So derive what you show from it rather than from a copy taken
 * once, and read every synced key your app holds in memory through one. Save with `writeSyncedKey`
 * (taco-sync/elements): it writes, re-renders this tab's readers and calls `manager.notifyChanged()`.
 *
 * @param manager - The manager that syncs `key`; keep it stable (create it once, outside render).
 * @param key - The localStorage key.
 * @param storage - Where the key lives (default `localStorage`); keep it stable. Tests pass their own.
 *
 * @example
 * const todosText = useSyncedKey(manager, 'todos');
 * const todos = useMemo(() => JSON.parse(todosText ?? '[]') as Todo[], [todosText]);
 */
export function useSyncedKey(manager: SyncManager, key: string, storage?: Storage): string | null {
  const area = storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const subscribe = useCallback(
    (onChange: () => void) => watchSyncedKey(manager, key, onChange, area),
    [manager, key, area],
  );
  const read = useCallback(() => area?.getItem(key) ?? null, [area, key]);
  return useSyncExternalStore(subscribe, read, serverValue);
}

const serverValue = (): null => null;
