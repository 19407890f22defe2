/**
 * taco-sync/elements: framework-free custom elements for sync UI, `<taco-sync-status>`,
 * `<taco-sync-conflict>` and `<taco-sync-history>`. Register them with {@link defineTacoSyncElements},
 * then give each a `manager`.
 *
 * @packageDocumentation
 */
export { defineTacoSyncElements } from './define.js';
export { TIME_REFRESH_MS } from './manager-element.js';
export { TacoSyncStatusElement } from './sync-status-element.js';
export { TacoSyncConflictElement, KEYS_SHOWN_PER_KIND } from './sync-conflict-element.js';
export { TacoSyncHistoryElement } from './sync-history-element.js';
export type {
  SyncAction,
  SyncActionErrorDetail,
  SyncReloadDetail,
  SyncResolvedDetail,
  SyncRestoredDetail,
  TacoSyncEventMap,
} from './events.js';
export { describeSyncState } from './status-text.js';
export type { StatusText, StatusTone } from './status-text.js';
export { describeSyncError } from './error-text.js';
export type { ErrorText } from './error-text.js';
export { formatTimeAgo, formatDateTime } from './relative-time.js';
export { formatByteSize } from './byte-size.js';
export { readThroughSyncedKeys, watchSyncedKey, writeSyncedKey } from './synced-key.js';
