import type { ConflictChoice } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';

/** Which manager call an action ran. */
export type SyncAction = 'syncNow' | 'resolveConflict' | 'restore' | 'restoreBackup';

/** The `detail` of a `taco-sync-error` event: a manager call a button made was rejected. */
export interface SyncActionErrorDetail {
  /** The manager call that failed. */
  action: SyncAction;
  /** What it rejected with, usually a `SyncError`. */
  error: unknown;
}

/** The `detail` of a `taco-sync-resolved` event. */
export interface SyncResolvedDetail {
  /** The button the user chose. */
  choice: ConflictChoice;
}

/** The `detail` of a `taco-sync-restored` event: what `<taco-sync-history>` put back. */
export type SyncRestoredDetail =
  /** A kept server version, now the newest version (`SyncManager.restore`). */
  | { kind: 'version'; version: number }
  /** A local backup, now the local data (`SyncManager.restoreBackup`). */
  | { kind: 'backup'; id: string };

/** The `detail` of a `taco-sync-reload` event. */
export interface SyncReloadDetail {
  /** Why the badge offered a reload: the state's `reloadReason`. */
  reason: NonNullable<SyncState['reloadReason']>;
}

/**
 * The events the taco-sync elements dispatch, by name. All bubble and are `composed`, so the package
 * adds them to `HTMLElementEventMap`, `DocumentEventMap` and `WindowEventMap`: a listener on the
 * element, any ancestor, `document` or `window` gets a typed `event.detail`.
 *
 * @example
 * document.addEventListener('taco-sync-resolved', (event) => console.log(event.detail.choice));
 */
export interface TacoSyncEventMap {
  /** A conflict choice succeeded. */
  'taco-sync-resolved': CustomEvent<SyncResolvedDetail>;
  /** A manager call made by a button was rejected (the element shows what failed too). */
  'taco-sync-error': CustomEvent<SyncActionErrorDetail>;
  /** The user closed the conflict dialog without choosing; `detail` is null. */
  'taco-sync-dismissed': CustomEvent<null>;
  /** A restore the user confirmed in `<taco-sync-history>` succeeded. */
  'taco-sync-restored': CustomEvent<SyncRestoredDetail>;
  /**
   * The user clicked "Reload" on the badge. Cancelable: call `preventDefault()` to refresh the page
   * your own way; otherwise the element calls `location.reload()`.
   */
  'taco-sync-reload': CustomEvent<SyncReloadDetail>;
}

// The events bubble out of the shadow root to the document and the window, so all three maps list them.
declare global {
  interface HTMLElementEventMap extends TacoSyncEventMap {}
  interface DocumentEventMap extends TacoSyncEventMap {}
  interface WindowEventMap extends TacoSyncEventMap {}
}
