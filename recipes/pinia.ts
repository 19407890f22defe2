import { createPinia, defineStore } from 'pinia';
import { createPersistedState } from 'pinia-plugin-persistedstate';
import type { SyncManager } from 'taco-sync';
import { createApp, type Component } from 'vue';
import { notifyingStorage } from './notifying-storage.js';

/** pinia-plugin-persistedstate keeps a store under its id. */
export const TODOS_KEY = 'todos';

export const useTodos = defineStore(TODOS_KEY, {
  state: () => ({ items: [] as string[] }),
  actions: {
    add(title: string) {
      this.items.push(title);
    },
  },
  persist: true,
});

/** The Vue app with Pinia and persisted state in localStorage, synced by `sync`. */
export async function startTodosApp(sync: SyncManager, root: Component, storage: Storage = localStorage) {
  const pinia = createPinia();
  // The plugin first: a store created before pinia.use() never gets it, and never saves.
  pinia.use(createPersistedState({ storage: notifyingStorage(sync, storage) }));
  const app = createApp(root).use(pinia);
  // Registered before start(), so the start's pull needs no page reload; the store does not exist
  // yet then (it reads localStorage when it is created, after the pull).
  let todos: ReturnType<typeof useTodos> | undefined;
  sync.onReplace(({ keys }) => {
    if (keys.includes(TODOS_KEY)) todos?.$hydrate();
  });
  await sync.start();
  todos = useTodos(pinia);
  return { app, todos };
}
