import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { writeSyncedKey } from '../elements/synced-key.js';
import { renderHook } from './render-hook.js';
import { useSyncedKey } from './use-synced-key.js';

afterEach(() => localStorage.clear());

describe('useSyncedKey', () => {
  it('returns the key, and null when it is absent', () => {
    localStorage.setItem('todos', '["a"]');
    const manager = new FakeSyncManager();
    const todos = renderHook(() => useSyncedKey(manager, 'todos'));
    const missing = renderHook(() => useSyncedKey(manager, 'missing'));
    expect(todos.current()).toBe('["a"]');
    expect(missing.current()).toBeNull();
    todos.unmount();
    missing.unmount();
  });

  it('re-renders with the new value right after the SDK replaced the key', async () => {
    const manager = new FakeSyncManager();
    localStorage.setItem('todos', '["mine"]');
    const hook = renderHook(() => useSyncedKey(manager, 'todos'));
    localStorage.setItem('todos', '["from A"]');
    await act(() => manager.emitReplace({ keys: ['todos'], reason: 'pull' }));
    expect(hook.current()).toBe('["from A"]');
    hook.unmount();
  });

  it('does not re-render for a replacement of other keys', async () => {
    const manager = new FakeSyncManager();
    const hook = renderHook(() => useSyncedKey(manager, 'todos'));
    const renders = hook.renders();
    await act(() => manager.emitReplace({ keys: ['filter'], reason: 'pull' }));
    expect(hook.renders()).toBe(renders);
    hook.unmount();
  });

  it('re-renders on a storage event from another tab', () => {
    const manager = new FakeSyncManager();
    const hook = renderHook(() => useSyncedKey(manager, 'todos'));
    localStorage.setItem('todos', '["other tab"]');
    act(
      () =>
        void window.dispatchEvent(
          new StorageEvent('storage', { key: 'todos', newValue: '["other tab"]', storageArea: localStorage }),
        ),
    );
    expect(hook.current()).toBe('["other tab"]');
    hook.unmount();
  });

  it("re-renders on this tab's own write through writeSyncedKey", () => {
    const manager = new FakeSyncManager();
    const hook = renderHook(() => useSyncedKey(manager, 'todos'));
    act(() => writeSyncedKey(manager, 'todos', '["written here"]'));
    expect(hook.current()).toBe('["written here"]');
    hook.unmount();
  });

  it('registers onReplace only while mounted, once across re-renders', async () => {
    const manager = new FakeSyncManager();
    const hook = renderHook(() => useSyncedKey(manager, 'todos'));
    localStorage.setItem('todos', '1');
    await act(() => manager.emitReplace({ keys: ['todos'], reason: 'restore' }));
    expect(manager.replaceListeners.size).toBe(1);
    hook.unmount();
    expect(manager.replaceListeners.size).toBe(0);
  });

  it('reads the storage it is given', () => {
    sessionStorage.setItem('todos', 'session');
    const hook = renderHook(() => useSyncedKey(new FakeSyncManager(), 'todos', sessionStorage));
    expect(hook.current()).toBe('session');
    hook.unmount();
    sessionStorage.clear();
  });
});
