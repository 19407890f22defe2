import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';

/**
 * A Solid accessor of a manager's {@link SyncState}, updated on every change. Subscribes at once and
 * unsubscribes when the owning scope (component, `createRoot`) is disposed.
 *
 * @param manager - The manager to follow.
 * @returns An accessor of the current state.
 *
 * @example
 * const state = createSyncState(manager);
 * return <p>{state().status}</p>;
 */
export function createSyncState(manager: SyncManager): Accessor<SyncState> {
  // The manager publishes a new object per change; `equals: false` still notifies if it ever reuses one.
  const [state, setState] = createSignal<SyncState>(manager.getState(), { equals: false });
  const unsubscribe = manager.subscribe((next) => setState(() => next));
  onCleanup(unsubscribe);
  return state;
}
