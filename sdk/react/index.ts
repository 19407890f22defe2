/**
 * taco-sync/react: React hooks for a `SyncManager`: its state, and the current value of a synced key
 * (`useSyncedKey`). Needs `react` 18 or newer (an optional peer dependency). It also types
 * `<taco-sync-status>`, `<taco-sync-conflict>` and `<taco-sync-history>` in React's JSX: the `manager`
 * and `compact` properties, `ref`, and the `ontaco-sync-…` events React 19 listens to.
 *
 * @packageDocumentation
 */
// Types only (the tags' JSX declarations): no runtime code comes with it.
import './jsx-elements.js';
export { useSyncState } from './use-sync-state.js';
export { useSync } from './use-sync.js';
export { useSyncedKey } from './use-synced-key.js';
export type { ReactSync } from './use-sync.js';
