import { createRenderEffect, createRoot } from 'solid-js';
import { readThroughSyncedKeys } from '../elements/synced-key.js';
import { describeBindingRecipe } from '../test-support/binding-recipe.js';
import { createSyncedKey } from './create-synced-key.js';

// `render` from solid-js/web is createRoot plus DOM insertion; the component here writes its own node.
describeBindingRecipe('Solid', {
  async startThenRender(tab, word) {
    if (word) readThroughSyncedKeys(tab.sync);
    await tab.sync.start();
    const paragraph = document.createElement('p');
    const dispose = createRoot((dispose) => {
      const todosText = createSyncedKey(tab.sync, 't_todos', tab.device.storage);
      createRenderEffect(() => (paragraph.textContent = todosText() ?? '[]'));
      return dispose;
    });
    return { text: () => paragraph.textContent, dispose };
  },
  update: async (change) => void (await change()),
});
