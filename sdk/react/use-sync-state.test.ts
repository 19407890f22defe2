import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { renderHook } from './render-hook.js';
import { useSyncState } from './use-sync-state.js';

describe('useSyncState', () => {
  it('returns the manager state and re-renders on its changes', () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    const hook = renderHook(() => useSyncState(manager));
    expect(hook.current().status).toBe('pending');
    act(() => manager.setState({ status: 'synced' }));
    expect(hook.current().status).toBe('synced');
    hook.unmount();
  });

  it('returns the very snapshot object the manager holds', () => {
    const manager = new FakeSyncManager({ status: 'synced' });
    const hook = renderHook(() => useSyncState(manager));
    expect(hook.current()).toBe(manager.getState());
    hook.unmount();
  });

  it('keeps one subscription across re-renders and drops it on unmount', () => {
    const manager = new FakeSyncManager();
    const hook = renderHook(() => useSyncState(manager));
    act(() => manager.setState({ status: 'syncing' }));
    act(() => manager.setState({ status: 'synced' }));
    expect(hook.renders()).toBeGreaterThanOrEqual(3);
    expect(manager.listenerCount).toBe(1);
    hook.unmount();
    expect(manager.listenerCount).toBe(0);
  });
});
