import { createRenderEffect, createRoot } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { writeSyncedKey } from '../elements/synced-key.js';
import { createSyncedKey } from './create-synced-key.js';

afterEach(() => localStorage.clear());

/** Reads 'todos' in a render effect, as a component would, and records every value it saw. */
function readTodos(manager: FakeSyncManager): { seen: (string | null)[]; dispose: () => void } {
  const seen: (string | null)[] = [];
  const dispose = createRoot((dispose) => {
    const todos = createSyncedKey(manager, 'todos');
    createRenderEffect(() => seen.push(todos()));
    return dispose;
  });
  return { seen, dispose };
}

describe('createSyncedKey', () => {
  it('reads the key, and null when it is absent', () => {
    localStorage.setItem('todos', '["a"]');
    createRoot((dispose) => {
      expect(createSyncedKey(new FakeSyncManager(), 'todos')()).toBe('["a"]');
      expect(createSyncedKey(new FakeSyncManager(), 'missing')()).toBeNull();
      dispose();
    });
  });

  it('reruns what reads it right after the SDK replaced the key, even with the value it held before', async () => {
    const manager = new FakeSyncManager();
    localStorage.setItem('todos', '["mine"]');
    const { seen, dispose } = readTodos(manager);
    localStorage.setItem('todos', '["from A"]');
    await manager.emitReplace({ keys: ['todos'], reason: 'pull' });
    // The same value again (the app had written it meanwhile): its in-memory copy must still refresh.
    await manager.emitReplace({ keys: ['todos'], reason: 'use-server' });
    await manager.emitReplace({ keys: ['filter'], reason: 'pull' });
    dispose();
    expect(seen).toEqual(['["mine"]', '["from A"]', '["from A"]']);
  });

  it('reruns on a storage event from another tab', () => {
    const manager = new FakeSyncManager();
    const { seen, dispose } = readTodos(manager);
    localStorage.setItem('todos', '["other tab"]');
    window.dispatchEvent(
      new StorageEvent('storage', { key: 'todos', newValue: '["other tab"]', storageArea: localStorage }),
    );
    dispose();
    expect(seen).toEqual([null, '["other tab"]']);
  });

  it("reruns on this tab's own write through writeSyncedKey", () => {
    const manager = new FakeSyncManager();
    const { seen, dispose } = readTodos(manager);
    writeSyncedKey(manager, 'todos', '["written here"]');
    dispose();
    expect(seen).toEqual([null, '["written here"]']);
  });

  it('never returns a stale copy: it reads the storage on every call', () => {
    createRoot((dispose) => {
      const todos = createSyncedKey(new FakeSyncManager(), 'todos');
      localStorage.setItem('todos', '["written in this tab"]');
      expect(todos()).toBe('["written in this tab"]');
      dispose();
    });
  });

  it('registers onReplace only while its owner lives', () => {
    const manager = new FakeSyncManager();
    createRoot((dispose) => {
      createSyncedKey(manager, 'todos');
      expect(manager.replaceListeners.size).toBe(1);
      dispose();
    });
    expect(manager.replaceListeners.size).toBe(0);
  });

  it('reads the storage it is given', () => {
    sessionStorage.setItem('todos', 'session');
    createRoot((dispose) => {
      expect(createSyncedKey(new FakeSyncManager(), 'todos', sessionStorage)()).toBe('session');
      dispose();
    });
    sessionStorage.clear();
  });
});
