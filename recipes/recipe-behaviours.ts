import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyPrefixAdapter } from '../sdk/adapters/key-prefix.js';
import {
  FakeSyncServer,
  openTab,
  testDevice,
  untilMacrotask,
  useFakeTime,
  type TestTab,
} from '../sdk/test-support/sync-harness.js';

/** A recipe's app, running on one device: what the state library holds, and a save through it. */
export interface RecipeApp {
  todos: () => string[];
  add: (title: string) => void;
}

/** A recipe under test: the localStorage key its library persists to, and how the app starts on a device. */
export interface Recipe {
  key: string;
  /** Wires the library to `tab.sync` over `tab.device.storage` and starts, in the recipe's order. */
  open: (tab: TestTab) => Promise<RecipeApp>;
}

/**
 * What every recipe must do (docs/recipes.md): a value written through the library reaches the
 * server, a fresh device opens without a conflict, and a value pulled is seen by the library.
 * Each device has its own storage; the manager has no `onReplace` listener but the recipe's.
 */
export function describeRecipe(name: string, recipe: Recipe): void {
  describe(`the ${name} recipe`, () => {
    let server: FakeSyncServer;
    beforeEach(() => {
      useFakeTime();
      server = new FakeSyncServer();
    });
    afterEach(() => void vi.useRealTimers());

    const device = (id: string) =>
      openTab({
        server,
        device: testDevice(id),
        rereads: false,
        adapter: (storage) => keyPrefixAdapter({ keys: [recipe.key], storage }),
      });
    const stored = (tab: TestTab) => tab.device.storage.getItem(recipe.key) ?? '';
    /** Saves through the library, waits for the library's (maybe asynchronous) write, and syncs. */
    const addAndSync = async (tab: TestTab, app: RecipeApp, title: string) => {
      app.add(title);
      await untilMacrotask(() => stored(tab).includes(title));
      await tab.sync.syncNow();
    };

    it('a value written through the library is synced to the server', async () => {
      const laptop = device('laptop');
      const app = await recipe.open(laptop);
      await addAndSync(laptop, app, 'milk');
      expect(server.current('tenure')?.data[recipe.key]).toBe(stored(laptop));
      expect(stored(laptop)).toContain('milk');
      expect(laptop.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
    });

    it('a fresh device opens without a conflict, and the library holds the server value', async () => {
      const laptop = device('laptop');
      await addAndSync(laptop, await recipe.open(laptop), 'milk');
      const phone = device('phone');
      const app = await recipe.open(phone);
      await untilMacrotask(() => app.todos().length > 0);
      expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
      expect(app.todos()).toEqual(['milk']);
      expect(phone.platform.reloads).toBe(0);
    });

    it('a value pulled is seen by the library, and its next save keeps it', async () => {
      const laptop = device('laptop');
      const onLaptop = await recipe.open(laptop);
      await addAndSync(laptop, onLaptop, 'milk');
      const phone = device('phone');
      const onPhone = await recipe.open(phone);
      await addAndSync(laptop, onLaptop, 'bread');
      await phone.sync.syncNow();
      await untilMacrotask(() => onPhone.todos().length === 2);
      expect(onPhone.todos()).toEqual(['milk', 'bread']);
      await addAndSync(phone, onPhone, 'eggs');
      expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
      expect(server.current('tenure')?.data[recipe.key]).toMatch(/milk.*bread.*eggs/);
      expect(laptop.platform.reloads + phone.platform.reloads).toBe(0);
    });
  });
}
