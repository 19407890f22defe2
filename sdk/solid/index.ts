/**
 * taco-sync/solid: Solid bindings for a `SyncManager`: its state, and a reactive read of a synced key
 * (`createSyncedKey`). Needs `solid-js` (an optional peer dependency). It also types
 * `<taco-sync-status>`, `<taco-sync-conflict>` and `<taco-sync-history>` in Solid's JSX:
 * `prop:manager`, `compact`, `ref`, and `on:taco-sync-…` events.
 *
 * @packageDocumentation
 */
// Types only (the tags' JSX declarations): no runtime code comes with it.
import './jsx-elements.js';
export { createSyncState } from './create-sync-state.js';
export { createSyncedKey } from './create-synced-key.js';
export { useSync } from './use-sync.js';
export type { SolidSync } from './use-sync.js';
