// A todo app that keeps its list in memory, as TodoMVC does: it reads localStorage once and writes
// the whole list back on every save. Wired to taco-sync the documented way (docs/getting-started.md):
// `await sync.start()` before the first render, `notifyChanged()` where it saves, and the list
// re-read in `onReplace`.
//
// Query parameters, for trying what goes wrong without that wiring:
//   ?user=NAME        sign in as NAME with a dev token (only `npm run dev` serves them)
//   ?wiring=none      no onReplace listener, as a five-minute integration would have it
//   ?render=early     render before start() has pulled, as many apps do
//   ?replace=defer    withoutReplaceListener: 'defer' instead of the default page reload
import { createSync, keyPrefixAdapter } from 'taco-sync';
import { defineTacoSyncElements } from 'taco-sync/elements';

const KEY = 'todos_list';
const params = new URLSearchParams(location.search);
const user = params.get('user') ?? 'demo-user';
const $ = (selector) => document.querySelector(selector);

/** @type {{ id: string, title: string, done: boolean }[]} */
let todos = load();

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function save() {
  localStorage.setItem(KEY, JSON.stringify(todos));
  sync.notifyChanged();
}

function render() {
  const list = $('#todos');
  list.replaceChildren(
    ...todos.map((todo) => {
      const item = document.createElement('li');
      item.className = todo.done ? 'done' : '';
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: todo.done });
      box.setAttribute('aria-label', `Done: ${todo.title}`);
      box.addEventListener('change', () => {
        todos = todos.map((t) => (t.id === todo.id ? { ...t, done: box.checked } : t));
        save();
        render();
      });
      item.append(box, Object.assign(document.createElement('span'), { textContent: todo.title }));
      return item;
    }),
  );
  const left = todos.filter((t) => !t.done).length;
  $('#count').textContent = todos.length ? `${left} of ${todos.length} left` : 'Nothing to do yet.';
}

async function devToken() {
  const res = await fetch(`/__dev/token?sub=${encodeURIComponent(user)}&subscriptions=taco_club`);
  return res.ok ? (await res.json()).token : null;
}

const token = await devToken();
$('#who').textContent = token ? `Signed in as ${user}` : 'Dev tokens come from `npm run dev`';
const sync = createSync({
  app: 'todos',
  endpoint: location.origin,
  getToken: () => token,
  adapter: keyPrefixAdapter({ keys: [KEY] }),
  withoutReplaceListener: params.get('replace') === 'defer' ? 'defer' : 'reload',
});
if (params.get('wiring') !== 'none') {
  sync.onReplace(({ keys }) => {
    if (!keys.includes(KEY)) return;
    todos = load();
    render();
  });
}
defineTacoSyncElements();
$('taco-sync-status').manager = sync;
$('taco-sync-conflict').manager = sync;
window.todosApp = { sync, todos: () => todos };

$('#add').addEventListener('submit', (event) => {
  event.preventDefault();
  const title = $('#new-todo').value.trim();
  if (!title) return;
  todos = [...todos, { id: crypto.randomUUID(), title, done: false }];
  $('#new-todo').value = '';
  save();
  render();
});

if (params.get('render') === 'early') render();
await sync.start();
render();
