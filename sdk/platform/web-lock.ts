import type { SyncLock } from '../core/ports.js';

/** A {@link SyncLock} within one JavaScript realm: a promise chain per name. */
export function inProcessLock(): SyncLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(name, task) {
      const result = (tails.get(name) ?? Promise.resolve()).then(task);
      const tail = result.catch(() => {});
      tails.set(name, tail);
      void tail.then(() => tails.get(name) === tail && tails.delete(name));
      return result;
    },
  };
}

const sharedInProcessLock = inProcessLock();

/**
 * The browser's {@link SyncLock}: Web Locks (`navigator.locks.request`), exclusive across every tab
 * of the origin. Where Web Locks are missing it falls back to one lock shared by this page.
 */
export function webLock(): SyncLock {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return sharedInProcessLock;
  return {
    async run(name, task) {
      return await locks.request(name, task);
    },
  };
}

export type { SyncLock };
