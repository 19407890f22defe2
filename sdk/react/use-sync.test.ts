import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { renderHook } from './render-hook.js';
import { useSync } from './use-sync.js';

describe('useSync', () => {
  it('reports isEnabled false only while the manager is disabled', () => {
    const manager = new FakeSyncManager({ status: 'disabled', disabledReason: 'No subscription' });
    const hook = renderHook(() => useSync(manager));
    expect(hook.current().isEnabled).toBe(false);
    act(() => manager.setState({ status: 'synced' }));
    expect(hook.current().isEnabled).toBe(true);
    expect(hook.current().state.status).toBe('synced');
    hook.unmount();
  });

  it('calls the manager for syncNow and resolveConflict', async () => {
    const manager = new FakeSyncManager({ status: 'conflict' });
    const hook = renderHook(() => useSync(manager));
    await hook.current().syncNow();
    await hook.current().resolveConflict('keep-local');
    expect(manager.calls).toEqual([{ method: 'syncNow' }, { method: 'resolveConflict', choice: 'keep-local' }]);
    hook.unmount();
  });

  it('keeps its actions stable across re-renders', () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    const hook = renderHook(() => useSync(manager));
    const first = hook.current();
    act(() => manager.setState({ status: 'synced' }));
    expect(hook.current().syncNow).toBe(first.syncNow);
    expect(hook.current().resolveConflict).toBe(first.resolveConflict);
    hook.unmount();
  });

  it('passes on a rejected action', async () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    manager.holdCalls();
    const hook = renderHook(() => useSync(manager));
    const call = hook.current().syncNow();
    manager.fail(new Error('Network is down'));
    await expect(call).rejects.toThrow('Network is down');
    hook.unmount();
  });
});
