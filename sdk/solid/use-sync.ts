import { createMemo, type Accessor } from 'solid-js';
import type { ConflictChoice, SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';
import { createSyncState } from './create-sync-state.js';

/** What {@link useSync} returns. */
export interface SolidSync {
  /** The manager's current state. */
  state: Accessor<SyncState>;
  /** False while the manager is `disabled` (gated: no subscription allows the app, or signed out). */
  isEnabled: Accessor<boolean>;
  /** Syncs now, skipping the debounce (see `SyncManager.syncNow`). */
  syncNow: () => Promise<void>;
  /** Resolves the current conflict (see `SyncManager.resolveConflict`). */
  resolveConflict: (choice: ConflictChoice) => Promise<void>;
}

/**
 * Everything a Solid component needs to show and drive sync: the state, whether sync is enabled,
 * and the two actions. The Solid form of the original apps' `useTenureSync()`, for any manager.
 * Cleans up with the owning scope, like {@link createSyncState}.
 *
 * @param manager - The manager to follow.
 *
 * @example
 * const { state, isEnabled, syncNow } = useSync(manager);
 * return <Show when={isEnabled()}><button onClick={syncNow}>Sync now</button></Show>;
 */
export function useSync(manager: SyncManager): SolidSync {
  const state = createSyncState(manager);
  const isEnabled = createMemo(() => state().status !== 'disabled');
  return {
    state,
    isEnabled,
    syncNow: () => manager.syncNow(),
    resolveConflict: (choice) => manager.resolveConflict(choice),
  };
}
