import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncManager } from './fake-sync-manager.js';
import { watchSyncedKey } from './watch-synced-key.js';

const storageEvent = (key: string | null, storageArea: Storage = localStorage): StorageEvent =>
  new StorageEvent('storage', { key, storageArea, newValue: 'x' });

afterEach(() => localStorage.clear());

describe('watchSyncedKey', () => {
  it('calls back when the SDK replaced the key, not for other keys', async () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    watchSyncedKey(manager, 'todos', () => (calls += 1));
    await manager.emitReplace({ keys: ['filter'], reason: 'pull' });
    expect(calls).toBe(0);
    await manager.emitReplace({ keys: ['filter', 'todos'], reason: 'use-server' });
    expect(calls).toBe(1);
  });

  it('calls back on a storage event for the key or a clear, in its storage only', () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    watchSyncedKey(manager, 'todos', () => (calls += 1));
    window.dispatchEvent(storageEvent('other'));
    window.dispatchEvent(storageEvent('todos', sessionStorage));
    expect(calls).toBe(0);
    window.dispatchEvent(storageEvent('todos'));
    window.dispatchEvent(storageEvent(null));
    expect(calls).toBe(2);
  });

  it('keeps an onReplace listener registered only while it watches', async () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    const stop = watchSyncedKey(manager, 'todos', () => (calls += 1));
    expect(manager.replaceListeners.size).toBe(1);
    stop();
    expect(manager.replaceListeners.size).toBe(0);
    window.dispatchEvent(storageEvent('todos'));
    await manager.emitReplace({ keys: ['todos'], reason: 'pull' });
    expect(calls).toBe(0);
  });
});
