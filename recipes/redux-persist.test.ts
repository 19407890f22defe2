import { persistStore } from 'redux-persist';
import { expect, it } from 'vitest';
import { keyPrefixAdapter } from '../sdk/adapters/key-prefix.js';
import { FakeSyncServer, openTab, untilMacrotask } from '../sdk/test-support/sync-harness.js';
import { describeRecipe } from './recipe-behaviours.js';
import { TODOS_KEY, added, createTodosStore, startTodosStore } from './redux-persist.js';

describeRecipe('redux-persist with Redux Toolkit', {
  key: TODOS_KEY,
  async open(tab) {
    const { store } = await startTodosStore(tab.sync, tab.device.storage);
    return { todos: () => store.getState().items, add: (title) => void store.dispatch(added(title)) };
  },
});

it('persistStore() before start() opens a new device on a first-sync conflict (why the recipe starts first)', async () => {
  const server = new FakeSyncServer();
  await server.seed('tenure', {
    [TODOS_KEY]: JSON.stringify({ items: '["milk"]', _persist: '{"version":-1,"rehydrated":true}' }),
  });
  const phone = openTab({
    server,
    rereads: false,
    adapter: (storage) => keyPrefixAdapter({ keys: [TODOS_KEY], storage }),
  });
  persistStore(createTodosStore(phone.sync, phone.device.storage));
  await untilMacrotask(() => phone.device.storage.getItem(TODOS_KEY) !== null);
  await phone.sync.start();
  expect(phone.sync.getState().conflict?.reason).toBe('first-sync');
});
