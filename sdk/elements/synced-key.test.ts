import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncManager } from './fake-sync-manager.js';
import { watchSyncedKey, writeSyncedKey } from './synced-key.js';

const storageEvent = (key: string | null, storageArea: Storage = localStorage): StorageEvent =>
  new StorageEvent('storage', { key, storageArea, newValue: 'x' });

const stops: (() => void)[] = [];
const watch = (...args: Parameters<typeof watchSyncedKey>): (() => void) => {
  const stop = watchSyncedKey(...args);
  stops.push(stop);
  return stop;
};

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  localStorage.clear();
});

describe('watchSyncedKey', () => {
  it('calls back when the SDK replaced the key, not for other keys', async () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    watch(manager, 'todos', () => (calls += 1));
    await manager.emitReplace({ keys: ['filter'], reason: 'pull' });
    expect(calls).toBe(0);
    await manager.emitReplace({ keys: ['filter', 'todos'], reason: 'use-server' });
    expect(calls).toBe(1);
  });

  it('calls back on a storage event for the key or a clear, in its storage only', () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    watch(manager, 'todos', () => (calls += 1));
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

  it("hears this tab's own writes made with writeSyncedKey, which also notifies the manager", () => {
    const manager = new FakeSyncManager();
    let notified = 0;
    manager.notifyChanged = () => void (notified += 1);
    const seen: (string | null)[] = [];
    watch(manager, 'todos', () => seen.push(localStorage.getItem('todos')));
    writeSyncedKey(manager, 'todos', '["Buy milk"]');
    writeSyncedKey(manager, 'filter', 'all');
    writeSyncedKey(manager, 'todos', null);
    expect(seen).toEqual(['["Buy milk"]', null]);
    expect(localStorage.getItem('filter')).toBe('all');
    expect(notified).toBe(3);
  });

  it('announces nothing when the write fails', () => {
    const manager = new FakeSyncManager();
    let calls = 0;
    watch(manager, 'todos', () => (calls += 1));
    const full = {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    } as unknown as Storage;
    expect(() => writeSyncedKey(manager, 'todos', 'x', full)).toThrow('full');
    expect(calls).toBe(0);
  });
});
