import { useCallback } from 'react';
import type { ConflictChoice, SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';
import { useSyncState } from './use-sync-state.js';

/** What {@link useSync} returns. */
export interface ReactSync {
  /** The manager's current state. */
  state: SyncState;
  /** False while the manager is `disabled` (gated: no subscription allows the app, or signed out). */
  isEnabled: boolean;
  /** Syncs now, skipping the debounce (see `SyncManager.syncNow`). Stable across renders. */
  syncNow: () => Promise<void>;
  /** Resolves the current conflict (see `SyncManager.resolveConflict`). Stable across renders. */
  resolveConflict: (choice: ConflictChoice) => Promise<void>;
}

/**
 * Everything a React component needs to show and drive sync: the state, whether sync is enabled, and
 * the two actions. The React form of the original apps' `useTenureSync()`, for any manager.
 *
 * @param manager - The manager to follow; keep it stable (create it once, outside render).
 *
 * @example
 * const { state, isEnabled, syncNow } = useSync(manager);
 * return isEnabled ? <button onClick={() => void syncNow()}>Sync now</button> : null;
 */
export function useSync(manager: SyncManager): ReactSync {
  const state = useSyncState(manager);
  const syncNow = useCallback(() => manager.syncNow(), [manager]);
  const resolveConflict = useCallback((choice: ConflictChoice) => manager.resolveConflict(choice), [manager]);
  return { state, isEnabled: state.status !== 'disabled', syncNow, resolveConflict };
}
