import { describeRecipe } from './recipe-behaviours.js';
import { TODOS_KEY, createTodos } from './jotai.js';

describeRecipe('jotai atomWithStorage', {
  key: TODOS_KEY,
  async open(tab) {
    const { store, todosAtom } = createTodos(tab.sync, tab.device.storage);
    await tab.sync.start();
    return { todos: () => store.get(todosAtom), add: (title) => store.set(todosAtom, (todos) => [...todos, title]) };
  },
});
