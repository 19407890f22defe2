import { configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import {
  FLUSH,
  PAUSE,
  PERSIST,
  PURGE,
  REGISTER,
  REHYDRATE,
  getStoredState,
  persistReducer,
  persistStore,
  type PersistConfig,
} from 'redux-persist';
import type { SyncManager } from 'taco-sync';
import { notifyingStorage } from './notifying-storage.js';

/** redux-persist keeps the state under `persist:` + its config's key. */
export const TODOS_KEY = 'persist:todos';

const todosSlice = createSlice({
  name: 'todos',
  initialState: { items: [] as string[] },
  reducers: { added: (state, action: PayloadAction<string>) => void state.items.push(action.payload) },
});
export const { added } = todosSlice.actions;

/** The app's store: Redux Toolkit with redux-persist in localStorage key `persist:todos`, synced by `sync`. */
export function createTodosStore(sync: SyncManager, storage: Storage = localStorage) {
  const local = notifyingStorage(sync, storage);
  const config: PersistConfig<ReturnType<typeof todosSlice.reducer>> = {
    key: 'todos',
    storage: {
      getItem: async (key) => local.getItem(key),
      setItem: async (key, value) => local.setItem(key, value),
      removeItem: async (key) => local.removeItem(key),
    },
  };
  const store = configureStore({
    reducer: persistReducer(config, todosSlice.reducer),
    middleware: (defaults) =>
      defaults({ serializableCheck: { ignoredActions: [FLUSH, REHYDRATE, PAUSE, PERSIST, PURGE, REGISTER] } }),
  });
  // After the SDK replaced the stored state, load it into the store again.
  sync.onReplace(async ({ keys }) => {
    if (keys.includes(TODOS_KEY))
      store.dispatch({ type: REHYDRATE, key: config.key, payload: await getStoredState(config) });
  });
  return store;
}

/** Starts sync, then persistence. */
export async function startTodosStore(sync: SyncManager, storage: Storage = localStorage) {
  const store = createTodosStore(sync, storage);
  // start() before persistStore(): persistStore writes the store's initial state at once, and on a
  // new device that empty state would be local data unlike the server's (a first-sync conflict).
  await sync.start();
  const persistor = persistStore(store);
  return { store, persistor };
}
