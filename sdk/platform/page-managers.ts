import type { SyncManager } from '../core/sync-manager.js';

/**
 * The last manager created for each app, held weakly (a dropped manager is collected as usual), and
 * the elements waiting for a manager of their `app`.
 */
type PageManagers = [latest: Map<string, WeakRef<SyncManager>>, waiting: Set<() => void>];

// On the page's global object, not in this module: the package's CommonJS entries each bundle a
// copy of this file, and an app may load two copies of the package; all must see one registry.
const REGISTRY = Symbol.for('taco-sync.managers');

const pageManagers = (): PageManagers =>
  ((globalThis as { [REGISTRY]?: PageManagers })[REGISTRY] ??= [new Map(), new Set()]);

/** Records `manager` as the page's manager of its app (weakly) and wakes the elements waiting for one. */
export function registerPageManager(manager: SyncManager): void {
  const [latest, waiting] = pageManagers();
  latest.set(manager.app, new WeakRef(manager));
  waiting.forEach((wake) => wake());
}

/** The last manager `createSync` made on this page for `app`, if it is still alive. */
export function findPageManager(app: string): SyncManager | null {
  return pageManagers()[0].get(app)?.deref() ?? null;
}

/** Calls `onCreated` after each manager `createSync` makes from now on; returns a function that stops. */
export function watchPageManagers(onCreated: () => void): () => void {
  const [, waiting] = pageManagers();
  waiting.add(onCreated);
  return () => void waiting.delete(onCreated);
}
