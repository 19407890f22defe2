import type { SyncManager } from 'taco-sync';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { notifyingStorage } from './notifying-storage.js';

export const TODOS_KEY = 'todos-store';

interface TodosState {
  todos: string[];
  add: (title: string) => void;
}

/** The app's todos store: zustand `persist` in localStorage key `todos-store`, synced by `sync`. */
export function createTodosStore(sync: SyncManager, storage: Storage = localStorage) {
  const useTodos = create<TodosState>()(
    persist((set) => ({ todos: [], add: (title) => set((state) => ({ todos: [...state.todos, title] })) }), {
      name: TODOS_KEY,
      storage: createJSONStorage(() => notifyingStorage(sync, storage)),
    }),
  );
  // The store read localStorage when it was created: read it again after the SDK replaced it.
  sync.onReplace(({ keys }) => {
    if (keys.includes(TODOS_KEY)) return useTodos.persist.rehydrate();
  });
  return useTodos;
}

// In the app:
//   export const useTodos = createTodosStore(sync);
//   await sync.start();
//   createRoot(root).render(<App />);   // components: useTodos((state) => state.todos)
