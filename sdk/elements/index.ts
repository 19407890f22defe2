/**
 * taco-sync/elements: framework-free custom elements for sync UI, `<taco-sync-status>` and
 * `<taco-sync-conflict>`. Register them with {@link defineTacoSyncElements}, then give each a `manager`.
 *
 * @packageDocumentation
 */
export { defineTacoSyncElements } from './define.js';
export { TacoSyncStatusElement, TIME_REFRESH_MS } from './sync-status-element.js';
export { TacoSyncConflictElement, KEYS_SHOWN_PER_KIND } from './sync-conflict-element.js';
export type { SyncAction, SyncActionErrorDetail, SyncResolvedDetail, TacoSyncEventMap } from './events.js';
export { describeSyncState } from './status-text.js';
export type { StatusText, StatusTone } from './status-text.js';
export { formatTimeAgo, formatDateTime } from './relative-time.js';
