import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { writeSyncedKey } from '../elements/synced-key.js';
import { FakeSyncServer, openTab, useFakeTime, type TestTab } from './sync-harness.js';

/** An app of the binding recipe, rendered: the text it shows of 't_todos'. */
export interface RenderedRecipe {
  text: () => string | null;
  dispose: () => void;
}

/** How one framework runs the recipe: start (after `readThroughSyncedKeys` when `word`), then render a reader of 't_todos'. */
export interface BindingRecipe {
  startThenRender: (tab: TestTab, word: boolean) => Promise<RenderedRecipe>;
  /** Runs an update the framework must see (React: inside `act`). */
  update: (change: () => unknown) => Promise<void>;
}

/**
 * The behaviours of the recipe in getting-started and ui.md, for a framework's bindings: the app
 * awaits start before its first render and reads synced keys through the bindings only.
 */
export function describeBindingRecipe(framework: string, recipe: BindingRecipe): void {
  describe(`the ${framework} binding recipe (start before render, read through the bindings)`, () => {
    let server: FakeSyncServer;
    beforeEach(async () => {
      useFakeTime();
      server = new FakeSyncServer();
      await server.seed('tenure', snapshotFromEntries([['t_todos', '["milk"]']]), 'laptop');
    });
    afterEach(() => void vi.useRealTimers());

    it('a binding recipe that starts before render loads the page once, on a new device', async () => {
      const tab = openTab({ server, rereads: false });
      const app = await recipe.startThenRender(tab, true);
      expect(tab.platform.reloads).toBe(0);
      expect(app.text()).toBe('["milk"]');
      app.dispose();
    });

    it('a binding recipe that starts before render loads the page once, when another device pushed since the last visit', async () => {
      const first = openTab({ server, rereads: false });
      (await recipe.startThenRender(first, true)).dispose();
      first.sync.stop();
      await server.seed('tenure', snapshotFromEntries([['t_todos', '["milk","bread"]']]), 'laptop');
      const reopened = openTab({ server, device: first.device, rereads: false });
      const app = await recipe.startThenRender(reopened, true);
      expect(first.platform.reloads + reopened.platform.reloads).toBe(0);
      expect(app.text()).toBe('["milk","bread"]');
      app.dispose();
    });

    it('the rendered list shows a later pull at once, and what it saves reaches the server', async () => {
      const tab = openTab({ server, rereads: false });
      const app = await recipe.startThenRender(tab, true);
      await server.seed('tenure', snapshotFromEntries([['t_todos', '["milk","eggs"]']]), 'laptop');
      await recipe.update(() => tab.sync.syncNow());
      expect(app.text()).toBe('["milk","eggs"]');
      await recipe.update(() => writeSyncedKey(tab.sync, 't_todos', '["milk","eggs","tea"]', tab.device.storage));
      expect(app.text()).toBe('["milk","eggs","tea"]');
      await recipe.update(() => tab.sync.syncNow());
      expect(server.current('tenure')?.data.t_todos).toBe('["milk","eggs","tea"]');
      expect(tab.platform.reloads).toBe(0);
      app.dispose();
    });

    it('without the word given before start, the pull of the start reloads the page (the protection for apps with no listener)', async () => {
      const tab = openTab({ server, rereads: false });
      const app = await recipe.startThenRender(tab, false);
      expect(tab.platform.reloads).toBe(1);
      app.dispose();
    });
  });
}
