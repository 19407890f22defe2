import type { SyncManager } from 'taco-sync';
import { createStore } from 'jotai/vanilla';
import { atomWithStorage, createJSONStorage } from 'jotai/vanilla/utils';
import { notifyingStorage } from './notifying-storage.js';

export const TODOS_KEY = 'todos';

/**
 * The app's todos atom, `atomWithStorage` in localStorage key `todos`, in a store the app gives
 * React (`<Provider store={store}>`), synced by `sync`.
 */
export function createTodos(sync: SyncManager, storage: Storage = localStorage) {
  const jsonStorage = createJSONStorage<string[]>(() => notifyingStorage(sync, storage));
  const todosAtom = atomWithStorage<string[]>(TODOS_KEY, [], jsonStorage, { getOnInit: true });
  const store = createStore();
  // The atom holds what it read: read the key again after the SDK replaced it.
  sync.onReplace(({ keys }) => {
    if (keys.includes(TODOS_KEY)) store.set(todosAtom, jsonStorage.getItem(TODOS_KEY, []) as string[]);
  });
  return { store, todosAtom };
}
