import { createPinia } from 'pinia';
import { createPersistedState } from 'pinia-plugin-persistedstate';
import { expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick } from 'vue';
import { describeRecipe } from './recipe-behaviours.js';
import { TODOS_KEY, startTodosApp, useTodos } from './pinia.js';

const App = defineComponent({ render: () => h('p', 'todos') });

describeRecipe('Pinia with pinia-plugin-persistedstate (Vue 3.5)', {
  key: TODOS_KEY,
  async open(tab) {
    const { todos } = await startTodosApp(tab.sync, App, tab.device.storage);
    return { todos: () => [...todos.items], add: (title) => todos.add(title) };
  },
});

it('a store used before pinia.use(plugin) never saves (why the recipe adds the plugin first)', async () => {
  localStorage.clear();
  const pinia = createPinia();
  createApp(App).use(pinia);
  const todos = useTodos(pinia);
  pinia.use(createPersistedState());
  todos.add('milk');
  await nextTick();
  expect(localStorage.getItem(TODOS_KEY)).toBeNull();
});
