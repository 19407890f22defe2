/**
 * taco-sync/solid: Solid bindings for a `SyncManager`. Needs `solid-js` (an optional peer dependency).
 * It also types `<taco-sync-status>` and `<taco-sync-conflict>` in Solid's JSX: `prop:manager`,
 * `compact`, `ref`, and `on:taco-sync-…` events.
 *
 * @packageDocumentation
 */
// Types only (the tags' JSX declarations): no runtime code comes with it.
import './jsx-elements.js';
export { createSyncState } from './create-sync-state.js';
export { useSync } from './use-sync.js';
export type { SolidSync } from './use-sync.js';
