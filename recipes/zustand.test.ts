import { describeRecipe } from './recipe-behaviours.js';
import { TODOS_KEY, createTodosStore } from './zustand.js';

describeRecipe('zustand persist', {
  key: TODOS_KEY,
  async open(tab) {
    const useTodos = createTodosStore(tab.sync, tab.device.storage);
    await tab.sync.start();
    return { todos: () => useTodos.getState().todos, add: (title) => useTodos.getState().add(title) };
  },
});
