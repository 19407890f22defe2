import { act, createElement } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineTacoSyncElements } from '../elements/define.js';
import type { TacoSyncStatusElement } from '../elements/sync-status-element.js';
import { FakeSyncServer, openTab, useFakeTime, type TestTab } from '../test-support/sync-harness.js';
import './render-hook.js';

// What a Next.js or Remix page does: the server renders the tags to HTML, the browser parses it,
// then the app creates its manager, defines the elements and hydrates.
async function hydrated(tab: TestTab, props: Record<string, unknown>) {
  const tree = () => createElement('header', null, createElement('taco-sync-status', { ...props, manager: tab.sync }));
  const container = document.createElement('div');
  container.innerHTML = renderToString(tree());
  document.body.append(container);
  defineTacoSyncElements();
  const errors: unknown[] = [];
  let root: ReturnType<typeof hydrateRoot> | undefined;
  await act(
    async () =>
      void (root = hydrateRoot(container, tree(), { onRecoverableError: (error) => void errors.push(error) })),
  );
  const badge = container.querySelector('taco-sync-status') as TacoSyncStatusElement;
  return { badge, errors, unmount: () => act(() => root!.unmount()), container };
}

describe('elements in hydrated server HTML (React 19)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.replaceChildren();
  });

  it('an element in hydrated server HTML finds its manager by its app attribute', async () => {
    const tab = openTab({ server });
    await tab.sync.start();
    const { badge, errors, unmount } = await hydrated(tab, { app: 'tenure' });
    expect(errors).toEqual([]);
    expect(badge.manager).toBe(tab.sync);
    expect(badge.shadowRoot!.querySelector('[part~="label"]')!.textContent).toBe('Synced');
    unmount();
  });

  it('without the app attribute it stays without a manager: hydration sets no property', async () => {
    const tab = openTab({ server });
    const { badge, unmount } = await hydrated(tab, {});
    expect(badge.manager).toBeNull();
    unmount();
  });

  it('follows the state of the manager it found', async () => {
    const tab = openTab({ server });
    const { badge, unmount } = await hydrated(tab, { app: 'tenure' });
    await act(() => tab.sync.start());
    expect(badge.shadowRoot!.querySelector('[part~="label"]')!.textContent).toBe('Synced');
    unmount();
  });
});
