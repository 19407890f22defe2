import type { KeyValueStore } from './sync-record-store.js';

/**
 * A {@link KeyValueStore} that keeps working when `store` fails (IndexedDB full, closed, blocked or
 * missing): from the first failure on, every value this page reads or writes is kept in memory
 * and served from there, while writes still go to `store` as best effort. Sync then goes on for
 * the page's lifetime; `onProblem` is told each failure, so the state can say that sync data
 * cannot be saved on this device.
 */
export function fallbackKeyValueStore(store: KeyValueStore, onProblem: (error: unknown) => void): KeyValueStore {
  let memory: Map<string, unknown> | undefined;
  const degrade = (error: unknown): Map<string, unknown> => {
    onProblem(error);
    return (memory ??= new Map());
  };
  const self: KeyValueStore = {
    async get(key) {
      if (memory?.has(key)) return structuredClone(memory.get(key));
      try {
        return await store.get(key);
      } catch (error) {
        degrade(error);
        return undefined;
      }
    },
    async update(key, updater) {
      if (!memory) {
        try {
          return await store.update(key, updater);
        } catch (error) {
          degrade(error);
        }
      }
      const next = updater(await self.get(key));
      memory!.set(key, structuredClone(next));
      await store.update(key, () => next).catch(noopProblem);
    },
  };
  const noopProblem = (error: unknown): void => void degrade(error);
  return self;
}
