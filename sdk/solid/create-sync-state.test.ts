import { createRenderEffect, createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { createSyncState } from './create-sync-state.js';

describe('createSyncState', () => {
  it('starts with the manager state and follows its changes', () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    createRoot((dispose) => {
      const state = createSyncState(manager);
      expect(state().status).toBe('pending');
      manager.setState({ status: 'synced' });
      expect(state().status).toBe('synced');
      dispose();
    });
  });

  it('reruns computations that read it when the state changes', () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    const seen: string[] = [];
    const dispose = createRoot((dispose) => {
      const state = createSyncState(manager);
      createRenderEffect(() => seen.push(state().status));
      return dispose;
    });
    manager.setState({ status: 'syncing' });
    manager.setState({ status: 'synced' });
    dispose();
    expect(seen).toEqual(['pending', 'syncing', 'synced']);
  });

  it('unsubscribes when its owner is disposed', () => {
    const manager = new FakeSyncManager();
    createRoot((dispose) => {
      createSyncState(manager);
      expect(manager.listenerCount).toBe(1);
      dispose();
    });
    expect(manager.listenerCount).toBe(0);
  });
});
