// A real app that keeps its list in memory (examples/todos.html, TodoMVC's way) on two devices, in
// Chromium against `wrangler dev` (DESIGN §7.4): wired the documented way the other device's todos
// show without a reload; wired the five-minute way (no onReplace) a save from the old in-memory
// list never drops the other device's todos from the server without a person's choice.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { SyncState } from '../sdk/core/sync-state.js';
import { launchChromium } from './support/chromium.js';
import { ServerClient, uniqueUser } from './support/server.js';

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
});

interface Todo {
  title: string;
  done: boolean;
}

/** One device running the todo app; `loads` counts page loads, so a reload shows. */
class TodoDevice {
  loads = 0;
  private constructor(readonly page: Page) {}

  static async open(user: string, query = ''): Promise<TodoDevice> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const device = new TodoDevice(page);
    page.on('load', () => device.loads++);
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`${inject('baseUrl')}/todos.html?user=${encodeURIComponent(user)}${query}`);
    await device.settled();
    return device;
  }

  /** Waits until the app has started and the page stopped reloading (an unwired app reloads after its first pull). */
  async settled(): Promise<void> {
    for (let seen = -1; seen !== this.loads; ) {
      seen = this.loads;
      await this.ready();
      await new Promise((r) => setTimeout(r, 750));
    }
  }

  /** Waits until the app has started (its manager settled) after a load. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() => {
      const app = (window as any).todosApp;
      return app !== undefined && !['idle', 'syncing'].includes(app.sync.getState().status);
    }, undefined, { timeout: 20_000 });
  }

  async add(title: string): Promise<void> {
    await this.page.getByLabel('New todo').fill(title);
    await this.page.getByRole('button', { name: 'Add' }).click();
  }

  complete(title: string): Promise<void> {
    return this.page.getByLabel(`Done: ${title}`).check();
  }

  /** The list as the page shows it. */
  shown(): Promise<string[]> {
    return this.page.locator('#todos li').evaluateAll((items) => items.map((li) => `${li.classList.contains('done') ? '✓ ' : ''}${li.textContent}`));
  }

  state(): Promise<SyncState> {
    return this.page.evaluate(() => (window as any).todosApp.sync.getState());
  }

  syncNow(): Promise<void> {
    return this.page.evaluate(() => (window as any).todosApp.sync.syncNow());
  }
}

const serverTodos = async (server: ServerClient): Promise<string[]> =>
  (JSON.parse((await server.pull()).data.todos_list ?? '[]') as Todo[]).map((t) => `${t.done ? '✓ ' : ''}${t.title}`);

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout = 20_000): Promise<T> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('a todo app that keeps its list in memory, on two devices', () => {
  it('wired the documented way: B shows A\'s todos without a reload, and both devices end with both edits', async () => {
    const user = uniqueUser('todos');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(user);
    const b = await TodoDevice.open(user);
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

  it('without onReplace wiring, B reloads after the pull, so its next save keeps A\'s todos', async () => {
    const user = uniqueUser('todos-unwired');
    const server = new ServerClient(user, 'todos');
    const b = await TodoDevice.open(user, '&wiring=none');
    const a = await TodoDevice.open(user, '&wiring=none');
    await a.add('milk');
    await a.add('bread');
    await a.syncNow();

    await b.syncNow().catch(() => {}); // the page reloads under this call
    await until(async () => b.loads, (n) => n === 2);
    await b.settled();
    expect(await b.shown()).toEqual(['milk', 'bread']);
    await b.add('eggs');
    await b.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
  });

  it("without wiring and with replace=defer, B's save from its old list is a conflict, and the server keeps A's todos", async () => {
    const user = uniqueUser('todos-defer');
    const server = new ServerClient(user, 'todos');
    const b = await TodoDevice.open(user, '&wiring=none&replace=defer');
    const a = await TodoDevice.open(user, '&wiring=none&replace=defer');
    await a.add('milk');
    await a.syncNow();

    await b.syncNow();
    expect(await b.state()).toMatchObject({ reloadReason: 'newer-data' });
    await b.add('eggs');
    await b.syncNow();
    expect((await b.state()).status).toBe('conflict');
    expect(await serverTodos(server)).toEqual(['milk']);
    expect(await b.page.getByRole('dialog').isVisible()).toBe(true);
  });

  it('an app that renders before start() has pulled never pushes its empty list over the data', async () => {
    const user = uniqueUser('todos-early');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(user);
    await a.add('milk');
    await a.add('bread');
    await a.syncNow();

    const fresh = await TodoDevice.open(user, '&wiring=none&render=early');
    expect(fresh.loads).toBe(2);
    expect(await fresh.shown()).toEqual(['milk', 'bread']);
    await fresh.add('eggs');
    await fresh.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
  });

  it('"Use server data" without wiring reloads the page, and the next save keeps the server\'s todos', async () => {
    const user = uniqueUser('todos-use-server');
    const server = new ServerClient(user, 'todos');
    const a = await TodoDevice.open(user, '&wiring=none');
    await a.add('milk');
    await a.syncNow();
    const b = await TodoDevice.open(user, '&wiring=none');
    await a.add('bread');
    await a.syncNow();
    await b.add('mine');
    await b.syncNow();
    expect((await b.state()).conflict).toMatchObject({ reason: 'server-newer' });
    const loads = b.loads;
    await b.page.getByRole('dialog').getByRole('button', { name: 'Use server data' }).click();
    await until(async () => b.loads, (n) => n === loads + 1);
    await b.settled();
    expect(await b.shown()).toEqual(['milk', 'bread']);
    await b.add('eggs');
    await b.syncNow();
    expect(await serverTodos(server)).toEqual(['milk', 'bread', 'eggs']);
  });
});
