// A real app that keeps its list in memory (examples/todos.html, TodoMVC's way) on two devices, in
// each engine against `wrangler dev` (DESIGN §7.4): wired the documented way the other device's todos
// show without a reload; wired the five-minute way (no onReplace) a save from the old in-memory
// list never drops the other device's todos from the server without a person's choice.
import { expect, it } from 'vitest';
import type { SyncState } from '../sdk/core/sync-state.js';
import { eachEngine, type Device, type Devices } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

interface Todo {
  title: string;
  done: boolean;
}

type TodosWindow = { todosApp?: { sync: { getState(): SyncState; syncNow(): Promise<void> } } };

/** One device running the todo app; `loads` counts page loads, so a reload shows. */
class TodoDevice {
  private constructor(readonly device: Device) {}

  /** Opens the app and waits until it has loaded `loads` times (an unwired app reloads after its first pull) and started. */
  static async open(devices: Devices, user: string, query = '', { loads = 1 } = {}): Promise<TodoDevice> {
    const todo = new TodoDevice(await devices.blank());
    await todo.device.goto(`/todos.html?user=${encodeURIComponent(user)}${query}`);
    await todo.settled(loads);
    return todo;
  }

  get loads(): number {
    return this.device.pageLoads;
  }

  /** Waits until the page has loaded `loads` times and the app has started (its manager settled) in the last one. */
  async settled(loads: number): Promise<void> {
    await this.device.waitForLoad(loads);
    await this.device.waitFor(() => {
      const app = (window as unknown as TodosWindow).todosApp;
      return app !== undefined && !['idle', 'syncing'].includes(app.sync.getState().status);
    });
  }

  async add(title: string): Promise<void> {
    await this.device.fill('#new-todo', title);
    await this.device.click('Add');
  }

  complete(title: string): Promise<void> {
    return this.device.click(`Done: ${title}`, { role: 'checkbox' });
  }

  /** The list as the page shows it. */
  shown(): Promise<string[]> {
    return this.device.evaluate(() =>
      [...document.querySelectorAll('#todos li')].map(
        (li) => `${li.classList.contains('done') ? '✓ ' : ''}${li.textContent}`,
      ),
    );
  }

  state(): Promise<SyncState> {
    return this.device.evaluate(() => (window as unknown as Required<TodosWindow>).todosApp.sync.getState());
  }

  syncNow(): Promise<void> {
    return this.device.evaluate(() => (window as unknown as Required<TodosWindow>).todosApp.sync.syncNow());
  }
}

const serverTodos = async (server: ServerClient): Promise<string[]> =>
  (JSON.parse((await server.pull()).data.todos_list ?? '[]') as Todo[]).map((t) => `${t.done ? '✓ ' : ''}${t.title}`);

eachEngine('a todo app that keeps its list in memory, on two devices', (devices) => {
  it("wired the documented way: B shows A's todos without a reload, and both devices end with both edits", async () => {
    const user = uniqueUser('todos');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(devices, user);
    const b = await TodoDevice.open(devices, user);
    await a.add('milk');
    await a.add('bread');
    await a.complete('milk');
    await a.syncNow();

    await b.syncNow();
    expect(await b.shown()).toEqual(['✓ milk', 'bread']);
    expect(b.loads).toBe(1);
    await b.add('eggs');
    await b.syncNow();
    await a.syncNow();
    expect(await a.shown()).toEqual(['✓ milk', 'bread', 'eggs']);
    expect(await b.shown()).toEqual(['✓ milk', 'bread', 'eggs']);
    expect(await serverTodos(server)).toEqual(['✓ milk', 'bread', 'eggs']);
    expect(a.loads + b.loads).toBe(2);
  });

  it("without onReplace wiring, B reloads after the pull, so its next save keeps A's todos", async () => {
    const user = uniqueUser('todos-unwired');
    const server = new ServerClient(user, 'todos');
    const b = await TodoDevice.open(devices, user, '&wiring=none');
    const a = await TodoDevice.open(devices, user, '&wiring=none');
    await a.add('milk');
    await a.add('bread');
    await a.syncNow();

    await b.syncNow().catch(() => {}); // the page reloads under this call
    await b.settled(2);
    expect(await b.shown()).toEqual(['milk', 'bread']);
    await b.add('eggs');
    await b.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
  });

  it("without wiring and with replace=defer, B's save from its old list is a conflict, and the server keeps A's todos", async () => {
    const user = uniqueUser('todos-defer');
    const server = new ServerClient(user, 'todos');
    const b = await TodoDevice.open(devices, user, '&wiring=none&replace=defer');
    const a = await TodoDevice.open(devices, user, '&wiring=none&replace=defer');
    await a.add('milk');
    await a.syncNow();

    await b.syncNow();
    expect(await b.state()).toMatchObject({ reloadReason: 'newer-data' });
    await b.add('eggs');
    await b.syncNow();
    expect((await b.state()).status).toBe('conflict');
    expect(await serverTodos(server)).toEqual(['milk']);
    expect(await b.device.isShown('dialog')).toBe(true);
  });

  it('an app that renders before start() has pulled never pushes its empty list over the data', async () => {
    const user = uniqueUser('todos-early');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(devices, user);
    await a.add('milk');
    await a.add('bread');
    await a.syncNow();

    const fresh = await TodoDevice.open(devices, user, '&wiring=none&render=early', { loads: 2 });
    expect(fresh.loads).toBe(2);
    expect(await fresh.shown()).toEqual(['milk', 'bread']);
    await fresh.add('eggs');
    await fresh.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
  });

  it('"Use server data" without wiring reloads the page, and the next save keeps the server\'s todos', async () => {
    const user = uniqueUser('todos-use-server');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(devices, user, '&wiring=none');
    await a.add('milk');
    await a.syncNow();
    // B's first pull replaces its empty list, and the unwired app reloads for it.
    const b = await TodoDevice.open(devices, user, '&wiring=none', { loads: 2 });
    await a.add('bread');
    await a.syncNow();
    await b.add('mine');
    await b.syncNow();
    expect((await b.state()).conflict).toMatchObject({ reason: 'server-newer' });
    const loads = b.loads;
    await b.device.click('Use server data', { within: 'dialog' });
    await b.settled(loads + 1);
    expect(await b.shown()).toEqual(['milk', 'bread']);
    await b.add('eggs');
    await b.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
    expect(b.loads).toBe(loads + 1);
  });
});
