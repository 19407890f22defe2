import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineTacoSyncElements } from '../elements/define.js';
import type { SyncActionErrorDetail } from '../elements/events.js';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// What jsx-elements.ts promises React 19 does with the tags' props, checked in react-dom itself.
function render(element: ReturnType<typeof createElement>): void {
  const container = document.createElement('div');
  document.body.append(container);
  act(() => createRoot(container).render(element));
}

beforeAll(() => defineTacoSyncElements());
afterEach(() => document.body.replaceChildren());

describe('the tags in React 19', () => {
  it('sets manager as a property, so the badge shows the manager state', () => {
    const manager = new FakeSyncManager({ status: 'synced' });
    render(createElement('taco-sync-status', { manager }));
    const badge = document.querySelector('taco-sync-status')!;
    expect(badge.manager).toBe(manager);
    expect(badge.hasAttribute('manager')).toBe(false);
    expect(manager.listenerCount).toBe(1);
  });

  it('sets compact through the property, which reflects to the attribute', () => {
    render(createElement('taco-sync-status', { compact: true }));
    expect(document.querySelector('taco-sync-status')!.hasAttribute('compact')).toBe(true);
  });

  it('sets manager on <taco-sync-history> as a property and listens through ontaco-sync-restored', () => {
    const manager = new FakeSyncManager({ status: 'synced', version: 1 });
    const restored: unknown[] = [];
    render(
      createElement('taco-sync-history', {
        manager,
        'ontaco-sync-restored': (event: CustomEvent) => restored.push(event.detail),
      }),
    );
    const history = document.querySelector('taco-sync-history')!;
    expect(history.manager).toBe(manager);
    expect(manager.listenerCount).toBe(1);
    history.dispatchEvent(new CustomEvent('taco-sync-restored', { detail: { kind: 'version', version: 1 } }));
    expect(restored).toEqual([{ kind: 'version', version: 1 }]);
  });

  it('listens to taco-sync-error through ontaco-sync-error', () => {
    const details: SyncActionErrorDetail[] = [];
    const onError = (event: CustomEvent<SyncActionErrorDetail>): void => void details.push(event.detail);
    render(createElement('taco-sync-status', { 'ontaco-sync-error': onError }));
    const detail: SyncActionErrorDetail = { action: 'syncNow', error: new Error('offline') };
    document.querySelector('taco-sync-status')!.dispatchEvent(new CustomEvent('taco-sync-error', { detail }));
    expect(details).toEqual([detail]);
  });
});
