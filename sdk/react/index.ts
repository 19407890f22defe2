/**
 * taco-sync/react: React hooks for a `SyncManager`. Needs `react` 18 or newer (an optional peer
 * dependency).
 *
 * @packageDocumentation
 */
export { useSyncState } from './use-sync-state.js';
export { useSync } from './use-sync.js';
export type { ReactSync } from './use-sync.js';
