/**
 * taco-sync/solid: Solid bindings for a `SyncManager`. Needs `solid-js` (an optional peer dependency).
 *
 * @packageDocumentation
 */
export { createSyncState } from './create-sync-state.js';
export { useSync } from './use-sync.js';
export type { SolidSync } from './use-sync.js';
