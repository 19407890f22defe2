import { useCallback, useSyncExternalStore } from 'react';
import type { SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';

/**
 * A manager's current {@link SyncState}; the component re-renders on every change. Built on
 * `useSyncExternalStore`, so it relies on `manager.getState()` returning the same object until the
 * state changes (every `SyncManager` must; a fresh object per call would re-render forever). On the
 * server it renders the manager's current state.
 *
 * @param manager - The manager to follow; keep it stable (create it once, outside render).
 *
 * @example
 * const state = useSyncState(manager);
 * return <span>{state.status}</span>;
 */
export function useSyncState(manager: SyncManager): SyncState {
  // Bound per manager so React keeps one subscription across renders and methods keep their `this`.
  const subscribe = useCallback((onChange: () => void) => manager.subscribe(onChange), [manager]);
  const getState = useCallback(() => manager.getState(), [manager]);
  return useSyncExternalStore(subscribe, getState, getState);
}
