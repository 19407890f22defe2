import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { readThroughSyncedKeys } from '../elements/synced-key.js';
import { describeBindingRecipe } from '../test-support/binding-recipe.js';
import './render-hook.js';
import { useSyncedKey } from './use-synced-key.js';

describeBindingRecipe('React', {
  async startThenRender(tab, word) {
    if (word) readThroughSyncedKeys(tab.sync);
    await tab.sync.start();
    function TodoList() {
      return createElement('p', null, useSyncedKey(tab.sync, 't_todos', tab.device.storage) ?? '[]');
    }
    const container = document.createElement('div');
    const root = createRoot(container);
    await act(async () => root.render(createElement(TodoList)));
    return { text: () => container.textContent, dispose: () => act(() => root.unmount()) };
  },
  update: (change) => act(async () => void (await change())),
});
